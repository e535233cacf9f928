"""The front page, an issue and a page as a reader sees them."""

import datetime
import re

import pytest

from tests.factories import make_article, make_issue, make_page, rect_area

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(no_page_cache):
    issue = make_issue(datetime.date(2023, 1, 8), number=2)
    a1 = make_page(issue, "A01", name="要闻", image=True, pdf=True)
    a2 = make_page(issue, "A02", name="工会动态", image=True)
    a10 = make_page(issue, "A10", name="法治", image=True)
    make_article(
        a1,
        headline="头条稿件",
        kicker="引题文字",
        subtitle="副题文字",
        order=1,
        hot_areas=rect_area("2.5", 3, 95, "40.25"),
    )
    make_article(a1, headline="没有热区的稿件", order=2)
    make_article(a2, headline="二版稿件", hot_areas=rect_area(0, 0, 100, 50))
    make_article(a10, headline="十版稿件")
    make_issue(datetime.date(2023, 1, 1))
    return issue


def main_section(html):
    return re.search(r'<section class="page-main".*?</section>', html, re.S).group(0)


def test_front_page_shows_the_latest_issue_at_its_first_page_without_redirect(client, issue):
    front = client.get("/")
    assert front.status_code == 200
    page = client.get("/issues/2023-01-08/A01/").content.decode()
    assert main_section(front.content.decode()) == main_section(page)
    # The home page is its own canonical address, as the sitemap lists it.
    assert '<link rel="canonical" href="http://testserver/">' in front.content.decode()


def test_page_scan_has_a_titled_link_over_each_articles_area(client, issue):
    html = client.get("/issues/2023-01-08/A01/").content.decode()
    svg = re.search(
        r'<svg class="scan-areas" viewBox="0 0 100 100" preserveAspectRatio="none".*?</svg>', html, re.S
    ).group(0)
    areas = re.findall(
        r'<a class="area" href="(/articles/\d+/)"[^>]*><title>([^<]+)</title>'
        r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/></a>',
        svg,
    )
    assert [(title, x, y, w, h) for _, title, x, y, w, h in areas] == [
        ("引题文字 头条稿件 副题文字", "2.5", "3", "95", "40.25")
    ]
    assert "没有热区的稿件" not in svg
    assert "style=" not in html and "<script>" not in html


def test_page_lists_its_articles_and_pages_through_the_issue_in_natural_order(client, issue):
    html = client.get("/issues/2023-01-08/A02/").content.decode()
    assert re.search(r'rel="prev" class="pager-prev" href="/issues/2023-01-08/A01/">上一版', html)
    assert re.search(r'rel="next" class="pager-next" href="/issues/2023-01-08/A10/">下一版', html)
    strip = html.split('class="page-strip"', 1)[1]
    assert re.findall(r'<span class="code">(\w+)</span>', strip) == ["A01", "A02", "A10"]
    assert 'aria-current="page"' in strip
    assert "二版稿件" in html.split('class="page-articles"', 1)[1]


def test_first_and_last_page_have_no_link_beyond_the_issue(client, issue):
    assert 'rel="prev"' not in client.get("/issues/2023-01-08/A01/").content.decode()
    assert 'rel="next"' not in client.get("/issues/2023-01-08/A10/").content.decode()


def test_page_offers_its_pdf_and_search_within_the_issue(client, issue):
    html = client.get("/issues/2023-01-08/A01/").content.decode()
    assert re.search(r'href="/media/pages/pdf/[^"]+\.pdf" download>下载本版 PDF', html)
    form = re.search(r'<form class="issue-search".*?</form>', html, re.S).group(0)
    assert 'action="/search/"' in form
    assert '<input type="hidden" name="start" value="2023-01-08">' in form
    assert '<input type="hidden" name="end" value="2023-01-08">' in form
    assert 'name="q"' in form


def test_a_page_code_written_differently_leads_to_the_printed_one(client, issue):
    response = client.get("/issues/2023-01-08/a1/")
    assert response.status_code == 301 and response["Location"] == "/issues/2023-01-08/A01/"
    assert client.get("/issues/2023-01-08/B01/").status_code == 404


def test_issue_shows_page_navigation_headlines_by_page_and_neighbouring_issues(client, issue):
    html = client.get("/issues/2023-01-08/").content.decode()
    assert "2023年01月08日 星期日" in html and "（第2期）" in html
    grid = re.search(r'<nav class="page-grid".*?</nav>', html, re.S).group(0)
    assert grid.count("<img ") == 3 and 'alt="第A01版缩略图"' in grid
    contents = html.split('id="contents-title"', 1)[1]
    assert (
        contents.index("第A01版 要闻")
        < contents.index("头条稿件")
        < contents.index("第A02版")
        < contents.index("二版稿件")
    )
    assert re.search(r'rel="prev" class="pager-prev" href="/issues/2023-01-01/">上一期', html)
    assert 'rel="next"' not in html


def test_every_page_has_lang_title_description_and_a_search_box(client, issue):
    for url in ("/", "/issues/", "/issues/2023-01-08/", "/issues/2023-01-08/A01/", "/themes/"):
        html = client.get(url).content.decode()
        assert '<html lang="zh-CN">' in html, url
        assert re.search(r"<title>[^<]+</title>", html), url
        assert re.search(r'<meta name="description" content="[^"]+">', html), url
        site_search = (
            r'<form class="site-search" role="search" aria-label="检索全部往期" method="get" action="/search/">'
        )
        assert re.search(site_search, html), url


def test_invalid_dates_are_404_not_errors(client, issue):
    assert client.get("/issues/2023-02-30/").status_code == 404
    assert client.get("/issues/2023-02-30/A01/").status_code == 404


def test_front_page_without_any_issue_says_so(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "尚无已出版的报纸" in response.content.decode()


def test_front_page_of_an_issue_published_without_pages_leads_back_to_the_one_before(client, issue):
    make_issue(issue.date + datetime.timedelta(days=7))  # published by mistake before its pages were added
    html = client.get("/").content.decode()
    assert "本期尚无版面" in html
    assert f'rel="prev" class="pager-prev" href="{issue.get_absolute_url()}"' in html
