"""A change touches the keys of the pages that show it, and no others."""

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from articles import invalidation
from articles.models import Article, ArticleImage, Theme, ThemedArticle
from issues.models import Issue, Page
from tests.factories import make_article, make_issue, make_page, png_bytes
from unionpaper import cache_keys as ck
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db

MAY_1 = datetime.date(2024, 5, 1)
APRIL_30 = datetime.date(2024, 4, 30)
MODELS = (Issue, Page, Article, ArticleImage, Theme, ThemedArticle)


def connected() -> bool:
    from django.db.models.signals import post_save

    return any(key[0] == "dep-keys-save-Article" for key, *_ in post_save.receivers)


@pytest.fixture
def touched(monkeypatch):
    """Collect the keys every change names, with the signals of ``articles.invalidation`` connected."""
    keys = set()
    monkeypatch.setattr(ck, "changed", lambda changed, using=None: keys.update(changed))
    already = connected()  # by ArticlesConfig.ready
    invalidation.connect(*MODELS)
    yield keys
    if not already:
        invalidation.disconnect(*MODELS)


@pytest.fixture
def paper(touched):
    """Two issues: 5月1日 with pages A01 (两篇) and A02 (一篇), 4月30日 with B01 (一篇)."""
    may = make_issue(MAY_1)
    a01, a02 = make_page(may, "A01"), make_page(may, "A02")
    april = make_issue(APRIL_30)
    b01 = make_page(april, "B01")
    paper = {
        "may": may,
        "april": april,
        "a01": a01,
        "a02": a02,
        "b01": b01,
        "first": make_article(a01, headline="第一篇", order=0, themes=["法律援助"]),
        "second": make_article(a01, headline="第二篇", order=1),
        "third": make_article(a02, headline="第三篇"),
        "old": make_article(b01, headline="前一天", themes=["技能竞赛"]),
    }
    paper["legal_aid"] = Theme.objects.get(name="法律援助")
    touched.clear()
    return paper


def key(obj):
    return ck.key_for(obj)


def text_key(article):
    return ck.article_text_key(article.pk)


def test_editing_a_headline_touches_that_article_and_the_search_but_no_list_it_stays_in(paper, touched):
    first = paper["first"]
    first.headline = "改过的标题"
    first.save()
    assert {key(first), text_key(first), ck.SEARCH, ck.sitemap_list("articles")} <= touched
    assert key(paper["second"]) not in touched
    assert ck.page_list(paper["a01"].pk) not in touched
    assert ck.theme_list(paper["legal_aid"].pk) not in touched
    assert ck.LATEST_ISSUE not in touched


def test_correcting_a_body_touches_the_articles_text_and_the_search_not_what_lists_show_of_it(paper, touched):
    first = paper["first"]
    first.body += "<p>（本文有更正）</p>"
    first.save()
    assert touched == {text_key(first), ck.SEARCH, ck.sitemap_list("articles"), ck.SITEMAP_INDEX}


@pytest.mark.parametrize(
    "field, value",
    [
        ("kicker", "新的引题"),
        ("subtitle", "新的副标题"),
        ("byline", "本报记者 王小明"),
        ("hot_areas", [{"type": "rect", "points": [[0.1, 0.1], [0.5, 0.3]]}]),
    ],
)
def test_each_field_lists_show_touches_what_lists_show_of_the_article(paper, touched, field, value):
    first = paper["first"]
    setattr(first, field, value)
    first.save()
    assert {key(first), text_key(first)} <= touched
    assert ck.page_list(paper["a01"].pk) not in touched


def test_saving_an_article_unchanged_touches_its_text_only_as_its_time_of_change_moves(paper, touched):
    paper["third"].save()
    assert key(paper["third"]) not in touched
    assert text_key(paper["third"]) in touched


def test_a_photo_touches_only_the_photos_of_the_article_it_is_printed_with(paper, touched):
    photo = ArticleImage(article=paper["first"], caption="车间一角")
    photo.image.save("photo.png", ContentFile(png_bytes(40, 30)), save=False)
    photo.save()
    assert touched == {ck.photos_list(paper["first"].pk)}
    touched.clear()
    photo.delete()
    assert touched == {ck.photos_list(paper["first"].pk)}


def test_renaming_a_page_touches_that_page_not_its_neighbours_or_their_lists(paper, touched):
    page = paper["a01"]
    page.name = "新版名"
    page.save()
    assert key(page) in touched
    assert key(paper["a02"]) not in touched
    assert ck.page_list(page.pk) not in touched
    assert ck.theme_list(paper["legal_aid"].pk) not in touched


def test_changing_a_page_code_reorders_its_issue_and_the_lists_in_reading_order(paper, touched):
    page = paper["a01"]
    page.code = "A03"
    page.save()
    assert {key(page), ck.issue_pages_list(MAY_1), ck.theme_list(paper["legal_aid"].pk), ck.FEEDS} <= touched
    assert ck.issue_list(APRIL_30) not in touched


def test_editing_an_issue_touches_it_and_its_calendar_but_not_which_issue_is_newest(paper, touched):
    issue = paper["may"]
    issue.number = 99
    issue.save()
    assert {key(issue), ck.calendar_list(2024)} <= touched
    assert ck.LATEST_ISSUE not in touched
    assert key(paper["april"]) not in touched


def test_renaming_a_theme_touches_it_and_the_theme_list_not_its_articles(paper, touched):
    theme = paper["legal_aid"]
    theme.description = "职工法律援助"
    theme.save()
    assert touched == {key(theme)}
    touched.clear()
    theme.name = "法律服务"
    theme.save()
    assert {key(theme), ck.THEMES, ck.sitemap_list("themes")} <= touched
    assert key(paper["first"]) not in touched


def test_publishing_an_article_adds_it_to_its_page_issue_themes_and_feeds(paper, touched):
    draft = make_article(paper["a02"], headline="新稿", published=False, themes=["职工书屋"])
    touched.clear()
    draft.status = Status.PUBLISHED
    draft.save()
    theme = Theme.objects.get(name="职工书屋")
    expected = {
        key(draft),
        ck.page_list(paper["a02"].pk),
        ck.issue_list(MAY_1),
        ck.theme_list(theme.pk),
        ck.THEMES,
        ck.FEEDS,
        ck.on_this_day_list(5, 1),
        ck.sitemap_list("articles"),
    }
    assert expected <= touched
    assert ck.page_list(paper["a01"].pk) not in touched
    assert ck.issue_list(APRIL_30) not in touched
    assert ck.issue_pages_list(MAY_1) not in touched  # the strip of pages is as it was


def test_editing_a_draft_touches_no_public_list(paper, touched):
    draft = make_article(paper["a02"], headline="草稿", published=False, themes=["职工书屋"])
    touched.clear()
    draft.headline = "还是草稿"
    draft.save()
    assert touched == {key(draft), text_key(draft)}


def test_unpublishing_an_article_takes_it_out_of_its_lists(paper, touched):
    first = paper["first"]
    first.status = Status.DRAFT
    first.save()
    assert {key(first), ck.page_list(paper["a01"].pk), ck.theme_list(paper["legal_aid"].pk), ck.THEMES} <= touched
    assert ck.page_list(paper["a02"].pk) not in touched


def test_a_scheduled_article_touches_its_lists_when_its_time_passes_not_when_saved(paper, touched):
    noon = timezone.now()
    scheduled = make_article(
        paper["a02"], headline="定时稿", themes=["职工书屋"], publish_at=noon + datetime.timedelta(hours=1)
    )
    assert ck.page_list(paper["a02"].pk) not in touched
    with time_machine.travel(noon + datetime.timedelta(hours=2), tick=False):
        due = invalidation.keys_coming_due(noon, timezone.now())
    theme = Theme.objects.get(name="职工书屋")
    assert {key(scheduled), ck.page_list(paper["a02"].pk), ck.theme_list(theme.pk), ck.FEEDS} <= due
    assert ck.page_list(paper["a01"].pk) not in due
    assert invalidation.keys_coming_due(noon + datetime.timedelta(hours=2), timezone.now()) == set()


def test_reordering_articles_touches_their_page_and_issue_only(paper, touched):
    second = paper["second"]
    second.order = 0
    second.save()
    assert {key(second), ck.page_list(paper["a01"].pk), ck.issue_list(MAY_1)} <= touched
    assert ck.issue_pages_list(MAY_1) not in touched
    assert ck.page_list(paper["a02"].pk) not in touched
    assert ck.issue_list(APRIL_30) not in touched


def test_moving_an_article_to_another_page_touches_both_pages(paper, touched):
    first = paper["first"]
    first.page = paper["a02"]
    first.save()
    assert {ck.page_list(paper["a01"].pk), ck.page_list(paper["a02"].pk), ck.issue_list(MAY_1)} <= touched
    assert ck.page_list(paper["b01"].pk) not in touched


def test_moving_an_article_to_another_issue_touches_both_issues_and_both_days(paper, touched):
    first = paper["first"]
    first.page = paper["b01"]
    first.save()
    assert {ck.issue_list(MAY_1), ck.issue_list(APRIL_30), ck.on_this_day_list(4, 30), ck.on_this_day_list(5, 1)} <= (
        touched
    )


def test_giving_an_article_a_theme_touches_that_theme_and_the_articles_own_view(paper, touched):
    paper["second"].themes.add("技能竞赛")
    theme = Theme.objects.get(name="技能竞赛")
    assert {text_key(paper["second"]), ck.theme_list(theme.pk), ck.THEMES} <= touched
    assert key(paper["second"]) not in touched  # no list of headlines names an article's themes
    assert ck.theme_list(paper["legal_aid"].pk) not in touched
    touched.clear()
    paper["second"].themes.clear()
    assert ck.theme_list(theme.pk) in touched


def test_unpublishing_an_issue_touches_the_newest_issue_its_neighbours_and_its_themes(paper, touched):
    issue = paper["may"]
    issue.status = Status.REVIEW
    issue.save()
    expected = {
        key(issue),
        ck.LATEST_ISSUE,
        ck.CALENDAR_YEARS,
        ck.calendar_list(2024),
        ck.issue_neighbours_list(APRIL_30),
        ck.theme_list(paper["legal_aid"].pk),
        ck.on_this_day_list(5, 1),
    }
    assert expected <= touched
    assert key(paper["april"]) not in touched
    assert ck.issue_list(APRIL_30) not in touched


def test_publishing_a_new_issue_touches_the_newest_issue_and_the_one_before(paper, touched):
    make_issue(datetime.date(2024, 5, 2))
    assert {ck.LATEST_ISSUE, ck.issue_neighbours_list(MAY_1), ck.calendar_list(2024)} <= touched
    assert ck.issue_neighbours_list(APRIL_30) not in touched


def test_deleting_an_article_takes_it_out_of_its_lists(paper, touched):
    paper["first"].delete()
    assert {ck.page_list(paper["a01"].pk), ck.theme_list(paper["legal_aid"].pk)} <= touched


def saving_queries(article, headline) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        article.headline = headline
        article.save()
    return len(queries)


def test_a_bulk_writer_starts_the_site_afresh_once_without_a_query_per_row(paper, touched):
    with ck.deferring():
        with_keys = saving_queries(paper["first"], "导入改写")
        invalidation.disconnect(*MODELS)
        without = saving_queries(paper["first"], "再次导入")
        invalidation.connect(*MODELS)
    assert with_keys == without
    assert ck.SITE in touched


def test_rebuilding_the_search_index_touches_only_the_search_pages(paper, touched):
    from django.core.management import call_command

    call_command("rebuild_search_index", verbosity=0)
    assert touched == {ck.SEARCH}


def test_a_photo_and_a_theme_link_saved_as_they_were_touch_nothing(paper, touched):
    photo = ArticleImage(article=paper["first"], caption="车间一角")
    photo.image.save("photo.png", ContentFile(png_bytes(40, 30)), save=False)
    photo.save()
    link = ThemedArticle.objects.get(content_object=paper["first"])
    touched.clear()
    # What publishing a working copy does with the rows it did not change.
    ArticleImage.objects.get(pk=photo.pk).save()
    ThemedArticle.objects.get(pk=link.pk).save()
    assert touched == set()


def test_a_theme_link_moved_to_another_theme_touches_both_themes(paper, touched):
    link = ThemedArticle.objects.get(content_object=paper["first"])
    skills = Theme.objects.get(name="技能竞赛")
    link.tag = skills
    link.save()
    assert {ck.theme_list(paper["legal_aid"].pk), ck.theme_list(skills.pk), text_key(paper["first"])} <= touched
    assert key(paper["first"]) not in touched
