"""Each newsroom role, through the real admin: what it may do and what it is refused."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles import working_copies
from articles.models import Article, WorkingCopy
from issues.models import Issue
from tests.admin_forms import article_data, inline_management
from tests.factories import make_article, make_issue, make_page
from tests.people import client_for
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def offered_actions(response) -> set[str]:
    form = response.context["action_form"]
    return set() if form is None else {name for name, _ in form.fields["action"].choices if name}


def draft_by(user, **kwargs):
    page = kwargs.pop("page", None) or make_page(make_issue(published=False))
    return make_article(page, published=False, created_by=user, **kwargs)


def test_the_three_roles_exist_with_exactly_these_names():
    roles = {g.name: g for g in Group.objects.filter(name__in=["记者", "编辑", "总编"])}
    assert set(roles) == {"记者", "编辑", "总编"}

    def codes(name):
        return {f"{p.content_type.app_label}.{p.codename}" for p in roles[name].permissions.all()}

    assert "articles.add_article" in codes("记者")
    assert not codes("记者") & {"articles.publish_article", "articles.edit_others_articles", "issues.publish_issue"}
    assert "articles.edit_others_articles" in codes("编辑")
    assert not codes("编辑") & {"articles.publish_article", "issues.publish_issue"}
    assert {"articles.publish_article", "issues.publish_issue"} <= codes("总编")


# --- 记者 ----------------------------------------------------------------------


def test_reporter_writes_a_draft_and_is_recorded_as_its_creator(reporter):
    page = make_page(make_issue(published=False))
    response = client_for(reporter).post(
        reverse("admin:articles_article_add"), article_data(page=page, headline="车间里的读书声")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(headline="车间里的读书声")
    assert article.created_by == reporter
    assert article.status == Status.DRAFT


def test_reporter_submits_own_draft_for_review(reporter):
    article = draft_by(reporter)
    response = client_for(reporter).post(
        change_url(article), article_data(page=article.page, article=article, status="review")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_reporter_cannot_publish_own_draft(reporter):
    article = draft_by(reporter)
    response = client_for(reporter).post(
        change_url(article), article_data(page=article.page, article=article, status="published")
    )
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_reporter_is_offered_only_draft_and_review(reporter):
    article = draft_by(reporter)
    response = client_for(reporter).get(change_url(article))
    choices = [value for value, _ in response.context["adminform"].form.fields["status"].choices]
    assert choices == ["draft", "review"]
    assert "publish_at" not in response.context["adminform"].form.fields


def test_reporter_cannot_schedule_own_draft(reporter):
    article = draft_by(reporter)
    data = article_data(page=article.page, article=article, publish_at_0="2030-01-01", publish_at_1="08:00:00")
    assert client_for(reporter).post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.publish_at is None


def test_reporter_neither_sees_nor_changes_a_colleagues_article(reporter, other_reporter):
    theirs = draft_by(other_reporter, headline="别人的稿件")
    client = client_for(reporter)
    listing = client.get(reverse("admin:articles_article_changelist"))
    assert "别人的稿件" not in listing.content.decode()
    # The admin answers an object outside the user's queryset as missing.
    assert client.get(change_url(theirs)).status_code == 302
    client.post(change_url(theirs), article_data(page=theirs.page, article=theirs, headline="被改了"))
    theirs.refresh_from_db()
    assert theirs.headline == "别人的稿件"


def test_reporter_cannot_change_own_article_once_submitted(reporter):
    article = draft_by(reporter, headline="已送审")
    article.status = Status.REVIEW
    article.save()
    client = client_for(reporter)
    page = client.get(change_url(article))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False  # shown read-only
    response = client.post(change_url(article), article_data(page=article.page, article=article, headline="偷改"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "已送审"


def test_reporter_gets_only_the_submit_action_and_submits_with_it(reporter):
    article = draft_by(reporter)
    client = client_for(reporter)
    listing = client.get(reverse("admin:articles_article_changelist"))
    actions = offered_actions(listing)
    assert actions == {"submit_for_review", "withdraw_selected"}
    client.post(
        reverse("admin:articles_article_changelist"), {"action": "submit_for_review", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_reporter_posting_the_publish_action_anyway_publishes_nothing(reporter):
    article = draft_by(reporter)
    client_for(reporter).post(
        reverse("admin:articles_article_changelist"), {"action": "publish_now", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_reporter_cannot_publish_an_issue_or_change_pages(reporter):
    issue = make_issue(published=False)
    page = make_page(issue)
    client = client_for(reporter)
    client.post(
        reverse("admin:issues_issue_changelist"),
        {"action": "publish_issues", "confirm": "yes", "_selected_action": [issue.pk]},
    )
    issue.refresh_from_db()
    assert issue.status == Status.DRAFT
    response = client.post(
        reverse("admin:issues_page_change", args=[page.pk]),
        {"issue": issue.pk, "code": "A09", "name": "改版", "editor": "", **inline_management("articles")},
    )
    assert response.status_code == 403
    page.refresh_from_db()
    assert page.code == "A01"


# --- 编辑 ----------------------------------------------------------------------


def test_editor_edits_a_reporters_article_and_submits_it(editor, reporter):
    article = draft_by(reporter, headline="初稿")
    response = client_for(editor).post(
        change_url(article), article_data(page=article.page, article=article, headline="改定稿", status="review")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.status, article.created_by) == ("改定稿", Status.REVIEW, reporter)


def test_editor_cannot_publish_an_article(editor, reporter):
    article = draft_by(reporter)
    response = client_for(editor).post(
        change_url(article), article_data(page=article.page, article=article, status="published")
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_editor_fixing_a_published_article_cannot_unpublish_or_reschedule_it(editor, chief):
    article = make_article(headline="错字")
    published_at = article.publish_at
    data = article_data(page=article.page, article=article, headline="正字", status="draft", publish_at_0="2030-01-01")
    assert client_for(editor).post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    # The fix waits for the 总编 as a working copy; the live article keeps its state meanwhile.
    assert (article.headline, article.status, article.publish_at) == ("错字", Status.PUBLISHED, published_at)
    copy = WorkingCopy.objects.get()
    assert copy.changed == ["主标题"]
    working_copies.publish_changes(obj=article, user=chief)
    article.refresh_from_db()
    assert (article.headline, article.status, article.publish_at) == ("正字", Status.PUBLISHED, published_at)


def test_editor_arranges_a_page_but_cannot_publish_through_its_article_list(editor):
    issue = make_issue(published=False)
    page = make_page(issue)
    article = make_article(page, published=False, headline="排版")
    data = {
        "issue": issue.pk,
        "code": "A02",
        "name": "要闻",
        "editor": "林 平",
        **inline_management("articles", total=1, initial=1),
        "articles-0-id": article.pk,
        "articles-0-page": page.pk,
        "articles-0-order": "3",
        "articles-0-kicker": "",
        "articles-0-headline": "排版",
        "articles-0-byline": "",
        "articles-0-status": "published",
    }
    response = client_for(editor).post(reverse("admin:issues_page_change", args=[page.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    article.refresh_from_db()
    assert page.code == "A02"
    assert article.order == 3
    assert article.status == Status.DRAFT


def test_editor_returns_an_article_in_review_to_draft(editor, reporter):
    article = draft_by(reporter)
    article.status = Status.REVIEW
    article.save()
    client_for(editor).post(
        reverse("admin:articles_article_changelist"),
        {"action": "return_to_draft", "_selected_action": [article.pk], "confirm": "yes", "note": "导语太长"},
    )
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_editor_cannot_publish_an_issue(editor):
    issue = make_issue(published=False)
    client = client_for(editor)
    listing = client.get(reverse("admin:issues_issue_changelist"))
    actions = offered_actions(listing)
    assert "publish_issues" not in actions
    client.post(
        reverse("admin:issues_issue_changelist"),
        {"action": "publish_issues", "confirm": "yes", "_selected_action": [issue.pk]},
    )
    response = client.post(
        reverse("admin:issues_issue_change", args=[issue.pk]),
        {
            "date": "2023-01-01",
            "number": "1",
            "serial": "",
            "note": "改备注",
            "status": "published",
            **inline_management("pages"),
        },
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.note, issue.status) == ("改备注", Status.DRAFT)


# --- 总编 ----------------------------------------------------------------------


def test_chief_publishes_an_article_from_its_form(chief, reporter):
    article = draft_by(reporter)
    article.status = Status.REVIEW
    article.save()
    response = client_for(chief).post(
        change_url(article), article_data(page=article.page, article=article, status="published")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.publish_at is not None


def test_chief_schedules_an_article_for_later(chief, reporter):
    article = draft_by(reporter)
    data = article_data(
        page=article.page, article=article, status="published", publish_at_0="2030-01-01", publish_at_1="08:00:00"
    )
    assert client_for(chief).post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert timezone.localtime(article.publish_at).replace(tzinfo=None) == datetime.datetime(2030, 1, 1, 8, 0)


def test_chief_unpublishes_articles_with_the_action(chief):
    article = make_article()
    client_for(chief).post(
        reverse("admin:articles_article_changelist"), {"action": "unpublish", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_chief_gets_every_action(chief):
    listing = client_for(chief).get(reverse("admin:articles_article_changelist"))
    actions = offered_actions(listing)
    assert {"submit_for_review", "return_to_draft", "publish_now", "unpublish", "delete_selected"} <= actions
    issues = client_for(chief).get(reverse("admin:issues_issue_changelist"))
    assert {"publish_issues", "unpublish_issues"} <= offered_actions(issues)


def test_chief_unpublishes_a_whole_issue(chief):
    issue = make_issue()
    article = make_article(make_page(issue))
    client_for(chief).post(
        reverse("admin:issues_issue_changelist"), {"action": "unpublish_issues", "_selected_action": [issue.pk]}
    )
    issue.refresh_from_db()
    assert issue.status == Status.REVIEW
    assert not Issue.objects.published().exists()
    assert not Article.objects.published().filter(pk=article.pk).exists()
