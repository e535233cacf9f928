"""The publication rule at a given moment, scheduled times, and what publishing an issue records."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied
from reversion.models import Version

from articles import publishing
from articles.models import Article
from issues.models import Issue
from tests.factories import make_article, make_issue, make_page
from unionpaper.publishing import Status, next_publication_time

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 5, 1, 8, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


@time_machine.travel(NOW, tick=False)
def test_the_rule_is_applied_at_the_moment_asked_for_not_only_now():
    issue = make_issue(status=Status.PUBLISHED, publish_at=NOW - HOUR)
    article = make_article(make_page(issue), published=False, status=Status.PUBLISHED, publish_at=NOW + HOUR)
    later = NOW + 2 * HOUR
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.published(now=later).filter(pk=article.pk).exists()
    assert Article.objects.published_own(now=later).filter(pk=article.pk).exists()
    assert Article.objects.filter(Article.objects.published_q(now=later)).filter(pk=article.pk).exists()
    assert list(Article.objects.scheduled()) == [article]
    assert not Article.objects.scheduled(now=later).exists()
    # An earlier moment: the issue itself was not yet out.
    assert not Issue.objects.published(now=NOW - 2 * HOUR).exists()
    assert not Issue.objects.published_own(now=NOW - 2 * HOUR).exists()
    assert list(Issue.objects.published_own()) == [issue]


@time_machine.travel(NOW, tick=False)
def test_the_next_publication_is_the_soonest_of_everything_scheduled():
    assert next_publication_time() is None
    make_issue(datetime.date(2024, 5, 8), status=Status.PUBLISHED, publish_at=NOW + 5 * HOUR)
    page = make_page(make_issue(datetime.date(2024, 5, 2)))
    make_article(page, published=False, status=Status.PUBLISHED, publish_at=NOW + 3 * HOUR)
    make_article(page, published=False, status=Status.PUBLISHED, publish_at=NOW + 9 * HOUR)
    # A draft with a time is not scheduled: it goes nowhere until published.
    make_article(page, published=False, status=Status.DRAFT, publish_at=NOW + HOUR)
    assert next_publication_time() == NOW + 3 * HOUR
    assert next_publication_time(using="default") == NOW + 3 * HOUR


@time_machine.travel(NOW, tick=False)
def test_an_issue_scheduled_before_every_article_is_the_next_publication():
    make_issue(datetime.date(2024, 5, 8), status=Status.PUBLISHED, publish_at=NOW + 2 * HOUR)
    page = make_page(make_issue(datetime.date(2024, 5, 2)))
    make_article(page, published=False, status=Status.PUBLISHED, publish_at=NOW + 3 * HOUR)
    assert next_publication_time() == NOW + 2 * HOUR


@time_machine.travel(NOW, tick=False)
def test_publishing_with_only_the_status_saved_still_stores_the_time():
    article = make_article(published=False)
    article.status = Status.PUBLISHED
    article.save(update_fields=["status"])
    article.refresh_from_db()
    assert article.publish_at == NOW


def test_a_draft_saved_without_a_time_keeps_none():
    article = make_article(published=False)
    article.save()
    article.refresh_from_db()
    assert article.status == Status.DRAFT and article.publish_at is None


def test_publishing_an_issue_needs_both_permissions(chief):
    half = User.objects.create_user("half", is_staff=True)
    half.user_permissions.add(Permission.objects.get(codename="publish_issue"))
    issue = make_issue(published=False)
    assert publishing.can_publish_issue(chief)
    assert not publishing.can_publish_issue(half)
    with pytest.raises(PermissionDenied, match=r"^只有总编可以发布整期。$"):
        publishing.publish_issue(issue=issue, user=half)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("at", "comment"), [(None, "发布整期，上线稿件 2 篇"), (NOW + HOUR, "定时发布整期，上线稿件 2 篇")]
)
def test_publishing_an_issue_is_one_revision_by_the_chief_saying_what_went_live(chief, at, comment):
    issue = make_issue(published=False)
    page = make_page(issue)
    articles = [make_article(page, published=False, headline=f"第{n}篇", order=n) for n in range(2)]
    publishing.publish_issue(issue=issue, user=chief, at=at)
    for article in articles:
        article.refresh_from_db()
        assert (article.status, article.publish_at) == (Status.PUBLISHED, at or NOW)
    revision = Version.objects.get_for_object(issue).get().revision
    assert revision.comment == comment
    assert revision.user == chief


def test_the_confirmation_lists_articles_in_reading_order_page_by_page():
    issue = make_issue(published=False)
    second, first = make_page(issue, "A02"), make_page(issue, "A01")
    made = [
        make_article(second, published=False, headline="二版头条", order=0),
        make_article(first, published=False, headline="一版次条", order=1),
        make_article(first, published=False, headline="一版头条", order=0),
    ]
    plan = publishing.publish_plan(issue=issue)
    assert [a.headline for a in plan.articles] == ["一版头条", "一版次条", "二版头条"]
    assert [a.page.code for a in plan.to_publish] == ["A01", "A01", "A02"]
    assert len(made) == len(plan.drafts)


def test_articles_at_the_same_position_are_listed_in_the_order_they_were_written():
    page = make_page(make_issue(published=False))
    made = [make_article(page, published=False, headline=f"第{n}篇", order=0) for n in range(3)]
    assert publishing.publish_plan(issue=page.issue).articles == made


def test_the_confirmation_reads_every_page_in_one_query(django_assert_num_queries):
    issue = make_issue(published=False)
    for code in ("A01", "A02", "A03"):
        make_article(make_page(issue, code), published=False)
    with django_assert_num_queries(1):
        plan = publishing.publish_plan(issue=issue)
        assert [a.page.code for a in plan.articles] == ["A01", "A02", "A03"]


def test_publishing_with_only_the_status_saved_leaves_what_others_changed_meanwhile():
    article = make_article(published=False, headline="原标题")
    Article.objects.filter(pk=article.pk).update(headline="编辑刚改的标题")
    article.status = Status.PUBLISHED
    article.save(update_fields=["status"])
    article.refresh_from_db()
    assert article.headline == "编辑刚改的标题"
    assert article.status == Status.PUBLISHED and article.publish_at is not None
