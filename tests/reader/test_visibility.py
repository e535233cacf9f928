"""Unpublished issues, pages and articles are invisible to the public everywhere."""

import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.utils import timezone

from tests.factories import make_article, make_issue, make_page, rect_area
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 1, 8, 4, 0, tzinfo=datetime.UTC)  # noon in Shanghai
SECRET = "未发布的秘密稿件"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def paper(no_page_cache):
    """A public issue beside every kind of hidden content, all sharing one theme."""
    public_issue = make_issue(datetime.date(2023, 1, 8))
    public_page = make_page(public_issue, "A01", pdf=True)
    shown = make_article(
        public_page,
        headline="公开的稿件",
        themes=["法律援助"],
        order=1,
        hot_areas=rect_area(1, 1, 50, 20),
    )
    hidden = {
        # A draft article on a public page.
        "draft_article": make_article(
            public_page,
            headline=f"{SECRET}草稿",
            status=Status.DRAFT,
            publish_at=None,
            themes=["法律援助"],
            order=2,
            hot_areas=rect_area(1, 30, 50, 20),
        ),
        # An article in review.
        "review_article": make_article(
            public_page, headline=f"{SECRET}待审", status=Status.REVIEW, publish_at=None, themes=["法律援助"], order=3
        ),
        # A draft and an article in review that still carry a past publication time
        # (unpublished after they went out): the status decides, not the time.
        "draft_article_with_past_time": make_article(
            public_page,
            headline=f"{SECRET}撤回的草稿",
            status=Status.DRAFT,
            publish_at=timezone.now() - datetime.timedelta(days=3),
            themes=["法律援助"],
            order=5,
            hot_areas=rect_area(1, 60, 50, 20),
        ),
        "review_article_with_past_time": make_article(
            public_page,
            headline=f"{SECRET}退回待审",
            status=Status.REVIEW,
            publish_at=timezone.now() - datetime.timedelta(days=3),
            themes=["法律援助"],
            order=6,
        ),
        # A published article whose time has not come.
        "scheduled_article": make_article(
            public_page,
            headline=f"{SECRET}定时",
            themes=["法律援助"],
            order=4,
            publish_at=timezone.now() + datetime.timedelta(hours=2),
        ),
    }
    # A whole draft issue, newer than the public one, whose article is marked published.
    draft_issue = make_issue(datetime.date(2024, 1, 1), published=False)
    draft_page = make_page(draft_issue, "A01", name="草稿版", pdf=True)
    hidden["article_of_draft_issue"] = make_article(
        draft_page, headline=f"{SECRET}草稿期", themes=["法律援助", "秘密主题"]
    )
    # A whole issue taken back to draft after it went out: its past publication time stays,
    # and its article is still marked published.
    withdrawn_issue = make_issue(
        datetime.date(2023, 12, 25), status=Status.DRAFT, publish_at=timezone.now() - datetime.timedelta(days=10)
    )
    withdrawn_page = make_page(withdrawn_issue, "A01", name="撤回版", pdf=True)
    hidden["article_of_withdrawn_issue"] = make_article(
        withdrawn_page, headline=f"{SECRET}撤回期", themes=["法律援助", "秘密主题"]
    )
    # An issue scheduled for tomorrow, also printed on 01-08 of an earlier year (历史上的今天).
    scheduled_issue = make_issue(datetime.date(2022, 1, 8), publish_at=timezone.now() + datetime.timedelta(days=1))
    scheduled_page = make_page(scheduled_issue, "A01", name="定时版")
    hidden["article_of_scheduled_issue"] = make_article(scheduled_page, headline=f"{SECRET}定时期", themes=["法律援助"])
    return {
        "shown": shown,
        "hidden": hidden,
        "hidden_issues": [draft_issue, withdrawn_issue, scheduled_issue],
        "draft_issue": draft_issue,
        "scheduled_issue": scheduled_issue,
    }


def hidden_urls(paper):
    urls = [a.get_absolute_url() for a in paper["hidden"].values()]
    for issue in paper["hidden_issues"]:
        day = issue.date.isoformat()
        urls += [f"/issues/{day}/", f"/issues/{day}/A01/", f"/issues/{day}/issue.pdf"]
    return urls


def test_public_gets_404_on_every_unpublished_url(client, paper):
    for url in hidden_urls(paper):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "页面不存在" in response.content.decode()


PUBLIC_PAGES = [
    "/",
    "/issues/",
    "/issues/?year=2024",
    "/issues/?year=2022",
    "/issues/2023-01-08/",
    "/issues/2023-01-08/A01/",
    "/themes/",
    "/themes/法律援助/",
    "/feeds/latest/",
    "/feeds/themes/法律援助/",
    "/sitemap.xml",
    "/sitemap-issues.xml",
    "/sitemap-pages.xml",
    "/sitemap-articles.xml",
    "/sitemap-themes.xml",
    "/sitemap-sections.xml",
    # Search: every hidden headline holds 秘密 and 稿件 (test_search_finds_the_public_article_only).
    "/search/?q=稿件",
    "/search/?q=秘密",
    "/search/?q=稿件&sort=newest",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_unpublished_content_is_absent_from_every_public_list(client, paper, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET not in html
    for article in paper["hidden"].values():
        assert f'"{article.get_absolute_url()}"' not in html
        assert f"{article.get_absolute_url()}<" not in html  # feeds and sitemaps
    for issue in paper["hidden_issues"]:
        assert f"/issues/{issue.date.isoformat()}/" not in html
    assert "秘密主题" not in html


def test_search_finds_the_public_article_only(client, paper):
    html = client.get("/search/", {"q": "稿件"}).content.decode()
    assert "共 1 条结果" in html and paper["shown"].get_absolute_url() in html


def test_front_page_opens_the_latest_public_issue_not_a_newer_draft(client, paper):
    html = client.get("/").content.decode()
    assert "2023年01月08日" in html and "2024年01月01日" not in html


def test_public_article_shows_no_hidden_neighbour_or_related_article(client, paper):
    html = client.get(paper["shown"].get_absolute_url()).content.decode()
    assert "公开的稿件" in html
    assert SECRET not in html
    assert 'rel="next"' not in html and 'rel="prev"' not in html


def test_on_this_day_shows_only_public_issues_of_earlier_years(client, paper):
    # Today is 2024-01-08: the public 2023-01-08 issue counts, the scheduled 2022-01-08 one not yet.
    html = client.get("/").content.decode()
    history = html.split("历史上的今天", 1)[1]
    assert "公开的稿件" in history
    assert SECRET not in html
    with time_machine.travel(NOW + datetime.timedelta(days=1, seconds=1), tick=False):
        # Tomorrow is 01-09: nothing was printed on that day.
        assert "历史上的今天" not in client.get("/").content.decode()


def test_a_scheduled_issue_appears_when_its_time_comes(client, paper):
    url = "/issues/2022-01-08/"
    assert client.get(url).status_code == 404
    with time_machine.travel(NOW + datetime.timedelta(days=1, seconds=1), tick=False):
        assert client.get(url).status_code == 200
        feed = ET.fromstring(client.get("/feeds/latest/").content)
        assert f"{SECRET}定时期" in [item.findtext("title") for item in feed.iter("item")]


@pytest.mark.parametrize("url", ["/themes/秘密主题/", "/feeds/themes/秘密主题/"])
def test_a_theme_given_only_to_unpublished_articles_does_not_exist_yet(client, paper, url):
    assert client.get(url).status_code == 404
