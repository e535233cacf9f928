"""Queries the search cannot run get a clear message, never a server error."""

import pytest

from articles.search import results

BAD = {
    "": "请输入检索词",
    "   ": "请输入检索词",
    "工" * 10_000: "检索词太长",
    "%": "没有可检索的文字",
    "_": "没有可检索的文字",
    "\\": "没有可检索的文字",
    '"工会': "引号没有配对",
    '工会 "法律': "引号没有配对",
    "-工会": "排除词",
    "\x00\x01\x1f": "请输入检索词",
}


@pytest.mark.parametrize("q", list(BAD), ids=lambda q: repr(q[:12]))
def test_bad_query_gets_a_clear_message(client, archive, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code in (200, 400)
    assert BAD[q] in response.content.decode()


@pytest.mark.parametrize(
    "q",
    [
        "'; DROP TABLE articles_article; --",
        "工会' OR '1'='1",
        "(.*)+[a-z]{2,}?$^",
        "工会 & | ! <-> :*",
        'NEAR("工会" "援助")',
        "工会 AND OR NOT",
        "工\x00会",
        "工会\u200b",
        "%工会%",
        "工_会",
        "工会\\",
    ],
)
def test_metacharacters_are_only_text(client, archive, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code in (200, 400)
    assert (
        "没有找到" in response.content.decode()
        or "共" in response.content.decode()
        or "检索词" in response.content.decode()
    )


def test_punctuation_around_a_term_is_ignored(archive):
    search = results.run({"q": "%工会%"})
    assert not search.errors
    assert search.matches.total >= 1


def test_bad_filters_get_messages(client, archive):
    for params, message in [
        ({"q": "工会", "start": "2023-13-01"}, "起始日期"),
        ({"q": "工会", "end": "yesterday"}, "截止日期"),
        ({"q": "工会", "sort": "random"}, "排序"),
        ({"q": "工会", "page": "-1"}, "页码"),
        ({"q": "工会", "format": "xml"}, "导出格式"),
        ({"q": "工会", "theme": "没有的主题"}, "没有这个主题"),
        ({"q": "工会", "start": "2023-02-01", "end": "2023-01-01"}, "截止日期早于起始日期"),
    ]:
        response = client.get("/search/", params)
        assert response.status_code == 400, params
        assert message in response.content.decode(), params


def test_no_hits_message(client, archive):
    response = client.get("/search/", {"q": "不存在的词语"})
    assert response.status_code == 200
    assert "没有找到含“不存在的词语”的文章" in response.content.decode()
