"""What the reader sees on /search/: hits, highlighting, facets, citations."""

import datetime
import json
import re

import pytest
from django.http import QueryDict

from articles.search.api import highlight_html, result_neighbours
from tests.factories import make_article, make_issue, make_page


def test_results_show_headline_date_page_citation_and_marked_snippet(client, archive):
    html = client.get("/search/", {"q": "法律援助"}).content.decode()
    assert "共 1 条结果" in html
    assert "<mark>法律援助</mark>进车间" in html
    assert "2023年01月01日" in html
    assert "第A34版" in html
    assert "《职工天地》(2023年01月01日 第A34版)" in html
    assert "市总工会开展<mark>法律援助</mark>服务" in html


def test_every_matched_term_is_marked_including_spaced_and_traditional(client, archive):
    html = client.get("/search/", {"q": "刘飞 落实"}).content.decode()
    assert "<mark>刘 飞</mark>" in html
    assert "<mark>落实</mark>" in html
    html = client.get("/search/", {"q": "劳动保障"}).content.decode()
    assert "<mark>勞動保障</mark>" in html


def test_snippet_text_is_escaped(client, db):
    make_article(headline="<b>加粗</b>标题", body="<p>a &lt;script&gt;alert(1)&lt;/script&gt; 安全生产月</p>")
    html = client.get("/search/", {"q": "安全生产"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>安全生产</mark>月" in html
    assert "&lt;b&gt;加粗&lt;/b&gt;" in html


SCRIPT_BODY = "<p>&lt;script&gt;alert(1)&lt;/script&gt; 开头的正文{}</p>"


@pytest.mark.parametrize(
    "q, fields",
    [
        ("安全生产", {"headline": "安全生产月启动"}),
        ("欧阳安全", {"headline": "一线来信", "byline": "本报记者 欧阳安全"}),
        ("劳动保障", {"headline": "宣传月", "body": SCRIPT_BODY.format("：勞動保障")}),
    ],
    ids=["headline-only", "byline-only", "body-traditional"],
)
def test_snippet_is_escaped_wherever_the_match_is(client, db, q, fields):
    # Matched in the headline or byline, the snippet is the body's opening; matched
    # only after normalizing (勞動 for 劳动), it is cut around that match: escaped either way.
    article = make_article(**{"body": SCRIPT_BODY.format(""), **fields})
    html = client.get("/search/", {"q": q}).content.decode()
    assert "共 1 条结果" in html and f"/articles/{article.pk}/" in html
    assert "<script>alert" not in html and "</script> 开头" not in html
    assert "alert(1)&lt;/script&gt; 开头的正文" in html
    # Exports carry the citation, never the body, so its markup reaches no file.
    data = json.loads(client.get("/search/", {"q": q, "format": "json"}).content)
    assert [r["headline"] for r in data["results"]] == [article.headline]
    for fmt in ("csv", "json", "ris"):
        assert "script" not in client.get("/search/", {"q": q, "format": fmt}).content.decode("utf-8-sig")


def test_facets_count_per_year_and_theme_and_narrow(client, archive):
    response = client.get("/search/", {"q": "工"})
    years = response.context["year_facets"]
    assert [(y, n) for y, n, _ in years] == [(2023, 3), (2022, 1)]
    url_2022 = next(u for y, _, u in years if y == 2022)
    narrowed = client.get("/search/" + url_2022)
    assert [h.article.headline for h in narrowed.context["search"].hits] == ["弘扬工匠精神"]
    response = client.get("/search/", {"q": "援助"})
    themes = {t.name: (n, u) for t, n, u in response.context["theme_facets"]}
    assert themes["法律援助"][0] == 1 and themes["职代会"][0] == 1
    narrowed = client.get("/search/" + themes["职代会"][1])
    assert [h.article.headline for h in narrowed.context["search"].hits] == ["职代会审议集体合同"]


def test_highlight_html_keeps_tags_and_entities_whole(db):
    html = '<p class="工会">工会 &amp; 职工&nbsp;书屋 <a href="/工会/">市总工会</a></p>'
    out = highlight_html(html, "工会")
    assert (
        out == '<p class="工会"><mark>工会</mark> &amp; 职工&nbsp;书屋 <a href="/工会/">市总<mark>工会</mark></a></p>'
    )
    assert highlight_html(html, "") == html
    assert highlight_html(html, '"未闭合') == html
    assert "<mark>amp</mark>" not in highlight_html(html, "amp")
    assert highlight_html("<p>a &lt;b&gt; c</p>", "b") == "<p>a &lt;<mark>b</mark>&gt; c</p>"


def test_article_reached_by_search_chains_previous_and_next(client, db):
    page = make_page(make_issue(datetime.date(2023, 3, 1)))
    arts = [make_article(page, headline=f"第{i}篇", order=i, body="<p>职工书屋</p>") for i in range(3)]
    first = QueryDict("q=职工书屋&sort=newest&n=0")
    prev_url, next_url = result_neighbours(first, arts[0])
    assert prev_url is None
    assert next_url.startswith(f"/articles/{arts[1].pk}/?") and "n=1" in next_url and "q=" in next_url
    middle = QueryDict(next_url.split("?", 1)[1])
    prev_url, next_url = result_neighbours(middle, arts[1])
    assert prev_url.startswith(f"/articles/{arts[0].pk}/?")
    assert next_url.startswith(f"/articles/{arts[2].pk}/?")
    # Without the number the article is looked up in the results.
    prev_url, next_url = result_neighbours(QueryDict("q=职工书屋&sort=newest"), arts[2])
    assert prev_url.startswith(f"/articles/{arts[1].pk}/?") and next_url is None
    assert result_neighbours(QueryDict(""), arts[0]) == (None, None)


def test_search_hits_link_to_the_article_with_the_search(client, archive):
    response = client.get("/search/", {"q": "法律援助", "sort": "newest"})
    hit = response.context["search"].hits[0]
    assert hit.url.startswith(f"/articles/{archive['legal'].pk}/?")
    assert "n=0" in hit.url and "sort=newest" in hit.url


def test_a_page_past_the_last_shows_the_last_page(client, archive):
    html = client.get("/search/", {"q": "工会", "page": 3}).content.decode()
    assert "第 1 / 1 页" in html and "第 3 / 1 页" not in html
    assert "法律援助进车间" in html.replace("<mark>", "").replace("</mark>", "")
    assert 'start=""' not in html


def test_back_to_results_returns_to_the_page_that_holds_the_article(client, db):
    page = make_page(make_issue(datetime.date(2023, 3, 1)))
    arts = [make_article(page, headline=f"第{i}篇", order=i, body="<p>职工书屋</p>") for i in range(25)]
    results_page_2 = client.get("/search/", {"q": "职工书屋", "sort": "oldest", "page": 2})
    hit = results_page_2.context["search"].hits[0]  # result 21 of 25
    html = client.get(hit.url).content.decode()
    back = re.search(r'<a href="([^"]+)">返回检索结果</a>', html).group(1).replace("&amp;", "&")
    assert "page=2" in back and "n=" not in back
    assert hit.article.headline in client.get(back).content.decode()
    # Result 1 leads back to the first page.
    first = client.get("/search/", {"q": "职工书屋", "sort": "oldest"}).context["search"].hits[0]
    back = re.search(r'<a href="([^"]+)">返回检索结果</a>', client.get(first.url).content.decode()).group(1)
    assert "page=" not in back
    assert arts


def test_results_offer_every_order_as_a_link_and_the_current_one_marked(client, archive):
    html = client.get("/search/", {"q": "工会"}).content.decode()
    sort_bar = re.search(r'<nav class="search-sort".*?</nav>', html, re.S).group(0)
    assert '<a href="?q=%E5%B7%A5%E4%BC%9A&amp;sort=oldest">日期从旧到新</a>' in sort_bar
    assert 'sort=relevance" aria-current="true">相关度</a>' in sort_bar
    oldest = client.get("/search/", {"q": "工会", "sort": "oldest"}).context["search"].hits
    newest = client.get("/search/", {"q": "工会", "sort": "newest"}).context["search"].hits
    assert [h.article.pk for h in oldest] == [h.article.pk for h in reversed(newest)]


def test_a_theme_filter_can_be_removed(client, archive):
    html = client.get("/search/", {"q": "工会", "theme": "法律援助"}).content.decode()
    clear = re.search(r'<a class="search-clear" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "theme=" not in clear and "q=" in clear
    assert "弘扬" in client.get("/search/" + clear).content.decode()  # an article of another theme is back


@pytest.mark.django_db
def test_every_snippet_shows_a_place_where_the_terms_occur(client):
    page = make_page(make_issue(datetime.date(2023, 3, 5)), "A02")
    make_article(
        page,
        headline="车间来了新书架",
        kicker="职工书屋建设年",
        byline="本报记者 王晓明",
        body="<p>" + "机械厂的工人下班后在这里读书看报。" * 20 + "</p>",
    )
    make_article(page, headline="通讯员手记", byline="通讯员 陈职工书", body="<p>一线见闻。</p>", order=2)
    html = client.get("/search/", {"q": "职工书屋"}).content.decode()
    snippets = re.findall(r'<p class="search-snippet">(.*?)</p>', html, re.S)
    assert snippets and all("<mark>" in s for s in snippets), snippets
