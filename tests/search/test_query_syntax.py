"""AND of several terms, "phrases", -exclusions; filters; the three orders."""

import datetime

from articles.search import results
from tests.factories import make_article, make_issue, make_page


def headlines(q="", **params):
    search = results.run({"q": q, **params}, per_page=100)
    assert not search.errors, search.errors
    return [hit.article.headline for hit in search.hits]


def test_all_space_separated_terms_must_occur(archive):
    assert set(headlines("法律 援助")) == {"法律援助进车间", "职代会审议集体合同"}
    assert headlines("法律援助 工会") == ["法律援助进车间"]
    assert headlines("法律援助 职代会") == []


def test_quoted_phrase_is_kept_whole(archive):
    assert headlines('"法律援助"') == ["法律援助进车间"]
    assert headlines('"工匠 精神"') == ["弘扬工匠精神"]  # spaces inside Han dropped


def test_minus_excludes(archive):
    assert set(headlines("援助")) == {"法律援助进车间", "职代会审议集体合同"}
    assert headlines("援助 -职代会") == ["法律援助进车间"]
    assert headlines('援助 -"法律援助"') == ["职代会审议集体合同"]


def test_date_range_filter(archive):
    assert set(headlines("工会", start="2023-01-01")) == {"法律援助进车间"}
    assert headlines("工会", end="2022-12-31") == ["弘扬工匠精神"]
    assert headlines("工会", start="2022-05-01", end="2022-05-01") == ["弘扬工匠精神"]


def test_page_code_filter_is_normalized(archive):
    assert headlines("工会", page_code="a34") == ["法律援助进车间"]
    assert headlines("工会", page_code="第A34版") == ["法律援助进车间"]


def test_page_code_filter_finds_a_page_however_its_number_is_written(archive, client):
    # The page is printed and stored as A01; readers and archivists type A1.
    assert headlines("工匠", page_code="A1") == ["弘扬工匠精神"]
    html = client.get("/search/", {"q": "工匠", "page_code": "a1"}).content.decode()
    assert "弘扬<mark>工匠</mark>精神" in html and "共 1 条结果" in html


def test_theme_filter(archive):
    assert headlines("援助", theme="职代会") == ["职代会审议集体合同"]


def test_author_filter_ignores_spaces(archive):
    assert headlines("工会", author="刘 飞") == ["弘扬工匠精神"]
    assert headlines("工会", author="王晓明") == ["法律援助进车间"]
    assert headlines("工会", author="王晓") == []


def test_filters_without_a_query_list_articles(archive):
    assert headlines(author="刘飞") == ["弘扬工匠精神"]
    assert headlines(start="2023-06-01", end="2023-06-01") == ["职代会审议集体合同", "勞動保障宣傳月"]


def test_orders_newest_oldest_and_relevance(db):
    old = make_page(make_issue(datetime.date(2001, 1, 1)), "A01")
    new = make_page(make_issue(datetime.date(2020, 1, 1)), "A01")
    mid = make_page(make_issue(datetime.date(2010, 1, 1)), "A03")
    make_article(old, headline="旧闻", body="<p>技能竞赛在厂区举行。</p>")
    make_article(new, headline="新闻", body="<p>技能竞赛再次举行。</p>")
    make_article(mid, headline="技能竞赛年度总结", body="<p>技能竞赛，技能竞赛，技能竞赛。</p>")
    assert headlines("技能竞赛", sort="newest") == ["新闻", "技能竞赛年度总结", "旧闻"]
    assert headlines("技能竞赛", sort="oldest") == ["旧闻", "技能竞赛年度总结", "新闻"]
    # The headline match ranks first; the others follow by relevance, then date.
    assert headlines("技能竞赛")[0] == "技能竞赛年度总结"
    assert headlines("技能竞赛", sort="relevance") == headlines("技能竞赛")


def test_same_day_results_follow_page_then_position(db):
    issue = make_issue(datetime.date(2023, 3, 1))
    a10 = make_page(issue, "A10")
    a2 = make_page(issue, "A2")
    make_article(a10, headline="十版", body="<p>职工书屋</p>")
    make_article(a2, headline="二版下", order=5, body="<p>职工书屋</p>")
    make_article(a2, headline="二版上", order=1, body="<p>职工书屋</p>")
    assert headlines("职工书屋", sort="newest") == ["二版上", "二版下", "十版"]
    assert headlines("职工书屋", sort="oldest") == ["二版上", "二版下", "十版"]


def test_pagination_reports_the_total(db):
    page = make_page(make_issue(datetime.date(2023, 3, 1)))
    for i in range(25):
        make_article(page, headline=f"第{i}篇", order=i, body="<p>困难职工帮扶</p>")
    first = results.run({"q": "帮扶", "sort": "newest"})
    second = results.run({"q": "帮扶", "sort": "newest", "page": "2"})
    assert first.matches.total == second.matches.total == 25
    assert first.pages == 2
    assert len(first.hits) == 20 and len(second.hits) == 5
    assert second.hits[0].number == 20
    seen = [h.article.id for h in first.hits + second.hits]
    assert len(set(seen)) == 25
