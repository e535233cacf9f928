"""What many pages show alike is kept in the shared data cache, and never shown stale.

The page cache is off here, so every request reaches its view; each test
first fills the shared data (an issue's pages and reading order, related
articles, theme counts), then changes the content through the models as the
admin and the importer do, and reads the page again.
"""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_article, make_issue, make_page
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 5, 1)


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    settings.PUBLIC_PAGE_CACHE = False
    settings.PUBLIC_DATA_CACHE = True


@pytest.fixture
def issue():
    return make_issue(DAY)


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_second_article_of_the_issue_reuses_the_reading_order(client, issue):
    page = make_page(issue, "A01")
    first, second = make_article(page, headline="甲稿", order=1), make_article(page, headline="乙稿", order=2)
    cold = queries(client, first.get_absolute_url())
    warm = queries(client, second.get_absolute_url())
    assert warm < cold


def test_a_new_article_becomes_the_next_article_at_once(client, issue):
    page = make_page(issue, "A01")
    first = make_article(page, headline="甲稿", order=1)
    assert "下一篇<small>" not in text(client, first.get_absolute_url())
    make_article(page, headline="新到的乙稿", order=2)
    assert "下一篇<small>新到的乙稿</small>" in text(client, first.get_absolute_url())


def test_a_renamed_neighbour_shows_its_new_headline(client, issue):
    page = make_page(issue, "A01")
    first, second = make_article(page, headline="甲稿", order=1), make_article(page, headline="乙稿", order=2)
    assert "乙稿" in text(client, first.get_absolute_url())
    second.headline = "改名的乙稿"
    second.save()
    assert "下一篇<small>改名的乙稿</small>" in text(client, first.get_absolute_url())


def test_an_unpublished_neighbour_leaves_the_pager(client, issue):
    page = make_page(issue, "A01")
    first, second = make_article(page, headline="甲稿", order=1), make_article(page, headline="乙稿", order=2)
    assert "乙稿" in text(client, first.get_absolute_url())
    second.status = Status.DRAFT
    second.save()
    assert "乙稿" not in text(client, first.get_absolute_url())


def test_a_scheduled_neighbour_appears_when_its_time_comes(client, issue):
    now = timezone.now()
    page = make_page(issue, "A01")
    first = make_article(page, headline="甲稿", order=1)
    make_article(page, headline="定时的乙稿", order=2, publish_at=now + datetime.timedelta(hours=1))
    assert "定时的乙稿" not in text(client, first.get_absolute_url())
    with time_machine.travel(now + datetime.timedelta(hours=2)):
        assert "下一篇<small>定时的乙稿</small>" in text(client, first.get_absolute_url())


def test_related_articles_follow_a_theme_being_added(client, issue):
    page = make_page(issue, "A01")
    article = make_article(page, headline="甲稿", themes=["法律援助"])
    other = make_article(page, headline="另一篇稿件", order=3)
    assert 'id="related-title"' not in text(client, article.get_absolute_url())
    other.themes.add("法律援助")
    related = text(client, article.get_absolute_url()).split('id="related-title"')
    assert len(related) == 2 and "另一篇稿件" in related[1]


def test_an_article_is_never_its_own_related_article(client, issue):
    page = make_page(issue, "A01")
    article = make_article(page, headline="独一无二的标题", themes=["法律援助"])
    make_article(page, headline="同主题稿件", order=2, themes=["法律援助"])
    related = text(client, article.get_absolute_url()).split('id="related-title"')[-1]
    assert "同主题稿件" in related and "独一无二的标题" not in related


def test_a_new_page_joins_the_page_navigation(client, issue):
    first = make_page(issue, "A01", name="要闻")
    assert "新增的版面" not in text(client, first.get_absolute_url())
    make_page(issue, "A02", name="新增的版面")
    assert "新增的版面" in text(client, first.get_absolute_url())


def test_theme_counts_follow_publishing(client, issue):
    page = make_page(issue, "A01")
    make_article(page, headline="甲稿", themes=["技能竞赛"])
    draft = make_article(page, headline="乙稿", themes=["技能竞赛"], published=False)
    assert "1 篇" in text(client, "/themes/")
    assert "共 1 篇" in text(client, "/themes/技能竞赛/")
    draft.status = Status.PUBLISHED
    draft.publish_at = timezone.now() - datetime.timedelta(minutes=1)
    draft.save()
    assert "2 篇" in text(client, "/themes/")
    theme_page = text(client, "/themes/技能竞赛/")
    assert "共 2 篇" in theme_page and "乙稿" in theme_page


def test_a_theme_whose_last_article_is_withdrawn_is_gone(client, issue):
    article = make_article(make_page(issue, "A01"), headline="甲稿", themes=["职工维权"])
    assert client.get("/themes/职工维权/").status_code == 200
    article.status = Status.DRAFT
    article.save()
    assert client.get("/themes/职工维权/").status_code == 404


def test_staff_previews_never_reach_the_public_through_the_shared_cache(client, issue):
    reporter = User.objects.create_user("wangxm", "wangxm@example.org", "Zhigong-tiandi-2023!", is_staff=True)
    reporter.groups.add(Group.objects.get(name="记者"))
    page = make_page(issue, "A01")
    first = make_article(page, headline="甲稿", order=1)
    # The reporter's own draft: a reporter previews only their own unpublished work.
    make_article(page, headline="尚未发布的草稿", order=2, published=False, created_by=reporter)
    staff = Client()
    staff.force_login(reporter)
    assert "尚未发布的草稿" in text(staff, first.get_absolute_url())
    assert "尚未发布的草稿" not in text(client, first.get_absolute_url())


def test_turning_the_shared_cache_off_still_shows_the_same_page(client, issue, settings):
    page = make_page(issue, "A01")
    first, _ = (
        make_article(page, headline="甲稿", order=1, themes=["法律援助"]),
        make_article(page, headline="乙稿", order=2, themes=["法律援助"]),
    )
    with_cache = text(client, first.get_absolute_url())
    settings.PUBLIC_DATA_CACHE = False
    assert text(client, first.get_absolute_url()) == with_cache
