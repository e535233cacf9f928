"""A story through 终审, or taken offline by the 总编, set back to 草稿 is reopened: a decision on the record."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from reversion.models import Version

from articles import review, services
from articles.models import Article, ReviewDecision
from tests.admin_http import Browser
from tests.factories import make_article, make_issue, make_page
from unionpaper.publishing import Status

from .steps import change_url

HEADLINE = "车间里的职工书屋"


@pytest.fixture
def ready(db, reporter, editor, department_head, chief):
    """A story filed by the reporter that went through 初审, 复审 and 终审."""
    story = make_article(
        make_page(make_issue(published=False)), headline=HEADLINE, published=False, created_by=reporter
    )
    review.submit(article=story, user=reporter)
    for user in (editor, department_head, chief):
        review.approve(article=story, user=user)
    assert (story.status, story.review_stage) == (Status.REVIEW, review.READY)
    return story


def timeline(html: str) -> list[str]:
    listed = re.search(r'<ol class="review-timeline">(.*?)</ol>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in re.findall(r"<li>(.*?)</li>", listed[1], re.S)]


def set_back_to_draft_through_the_form(user, story):
    desk = Browser(user)
    form = desk.open(change_url(story))
    assert desk.submit(form.set("status", Status.DRAFT), "_save").status_code == 302
    return desk


def assert_reopened_by(desk, story, user):
    story.refresh_from_db()
    assert (story.status, story.review_stage) == (Status.DRAFT, "")
    step = ReviewDecision.objects.filter(article=story).last()
    assert (step.decision, step.decided_by) == (ReviewDecision.Decision.REOPEN, user)
    assert timeline(desk.client.get(change_url(story)).content.decode())[-1].endswith(f"{user.username} 重新打开")
    assert Version.objects.get_for_object(story).first().revision.comment.startswith("重新打开（改回草稿）")
    assert (
        "重新打开（改回草稿）"
        in desk.client.get(reverse("admin:articles_article_history", args=[story.pk])).content.decode()
    )


def test_setting_a_story_through_the_last_stage_back_to_draft_on_its_form_is_recorded(ready, editor):
    desk = set_back_to_draft_through_the_form(editor, ready)
    assert_reopened_by(desk, ready, editor)


def test_setting_a_story_the_chief_took_offline_back_to_draft_is_recorded(db, reporter, editor, chief):
    story = make_article(make_page(), headline=HEADLINE, published=False, created_by=reporter)
    services.publish_article(article=story, user=chief)
    services.unpublish_article(article=story, user=chief)
    desk = set_back_to_draft_through_the_form(editor, story)
    assert_reopened_by(desk, story, editor)


def test_the_panel_reopens_and_the_story_starts_the_review_again(ready, reporter, editor):
    desk = Browser(editor)
    panel = desk.open(change_url(ready), form_id="review-form")
    assert "重新打开（改回草稿）" in desk.client.get(change_url(ready)).content.decode()
    panel.fields.append(["decision", "reopen"])
    assert desk.submit(panel).status_code == 302
    assert_reopened_by(desk, ready, editor)

    review.submit(article=Article.objects.get(pk=ready.pk), user=reporter)
    assert review.stage_label(Article.objects.get(pk=ready.pk)) == "初审中"


def test_reopening_is_refused_to_a_reporter_and_for_a_story_not_through_the_last_stage(ready, reporter, editor):
    with pytest.raises(PermissionDenied):
        review.reopen(article=ready, user=reporter)
    waiting = make_article(ready.page, headline="等初审的", published=False, created_by=reporter)
    review.submit(article=waiting, user=reporter)
    with pytest.raises(ValidationError, match="只有已通过终审、尚未上线的稿件可以重新打开"):
        review.reopen(article=waiting, user=editor)
    ready.refresh_from_db()
    assert not ReviewDecision.objects.filter(decision=ReviewDecision.Decision.REOPEN).exists()


def test_the_service_records_who_reopened_with_the_note(ready, editor):
    review.reopen(article=ready, user=editor, note="标题要改")
    step = ReviewDecision.objects.filter(article=ready).last()
    assert (step.decision, step.decided_by, step.note) == (ReviewDecision.Decision.REOPEN, editor, "标题要改")
    assert Version.objects.get_for_object(ready).first().revision.comment == "重新打开（改回草稿）：标题要改"
