"""三审 through HTTP: a 记者 files into the pool, each stage decides, the 总编 publishes the issue."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from articles import review, services
from articles.models import Article, ArticleImage, ReviewDecision
from issues.models import Issue
from tests.admin_forms import inline_management
from tests.admin_http import Browser
from tests.factories import make_issue, make_page, png_bytes
from tests.people import client_for
from unionpaper.publishing import Status

from .steps import change_url, decide, file_story, run_action

TWO_STAGES = [
    {"key": "first", "label": "初审", "group": "编辑"},
    {"key": "final", "label": "终审", "group": "总编"},
]


def place_from_page_form(editor, page, article):
    """Place ``article`` on ``page`` from the page's form (its 从稿库排入本版 list)."""
    data = {
        "issue": page.issue_id,
        "code": page.code,
        "name": page.name,
        "editor": "",
        "place_stories": [article.pk],
        **inline_management("articles"),
    }
    response = client_for(editor).post(reverse("admin:issues_page_change", args=[page.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_the_whole_review_from_the_pool_to_the_public_page(reporter, editor, department_head, chief):
    issue = make_issue(published=False)
    page = make_page(issue, "A01")

    # 记者 files a story with no page and submits it.
    story = file_story(reporter)
    assert story.page is None and story.created_by == reporter
    pool = client_for(editor).get(reverse("admin:articles_poolarticle_changelist"))
    assert "车间里的职工书屋" in pool.content.decode()
    run_action(reporter, "submit_for_review", story)
    story.refresh_from_db()
    assert (story.status, review.stage_label(story)) == (Status.REVIEW, "初审中")

    # 初审 returns it with a note; the author sees the note on the start page and at the top of the form.
    decide(editor, story, "return", "导语太长，请压缩到两句")
    story.refresh_from_db()
    assert story.status == Status.DRAFT
    start = client_for(reporter).get(reverse("admin:index")).content.decode()
    assert "被退回" in start and "导语太长，请压缩到两句" in start
    form = client_for(reporter).get(change_url(story)).content.decode()
    banner = form[form.index('class="review-returned') :]
    assert banner.index("导语太长，请压缩到两句") < banner.index('name="headline"')  # above the fields
    assert "初审退回修改" in form

    # Resubmitted, it goes through 初审, 复审 and 终审.
    run_action(reporter, "submit_for_review", story)
    assert "待我审核" in client_for(editor).get(reverse("admin:index")).content.decode()
    decide(editor, story, "approve")
    story.refresh_from_db()
    assert review.stage_label(story) == "复审中"
    assert "车间里的职工书屋" in client_for(department_head).get(reverse("admin:index")).content.decode()
    decide(department_head, story, "approve")
    decide(chief, story, "approve")
    story.refresh_from_db()
    assert (story.status, story.review_stage) == (Status.REVIEW, review.READY)

    # Every decision is on the story's form, as a timeline.
    timeline = client_for(chief).get(change_url(story)).content.decode()
    for line in ("初审退回修改：导语太长", "初审通过", "复审通过", "终审通过"):
        assert line in timeline
    # And in its history (历史), each step a version with who took it.
    history = client_for(chief).get(reverse("admin:articles_article_history", args=[story.pk])).content.decode()
    for line in ("送审", "初审退回修改：导语太长，请压缩到两句", "初审通过", "复审通过", "终审通过", "zhaoqiang"):
        assert line in history
    steps = list(ReviewDecision.objects.filter(article=story).values_list("stage_label", "decision"))
    assert steps == [
        ("初审", "submit"),
        ("初审", "return"),
        ("初审", "submit"),
        ("初审", "approve"),
        ("复审", "approve"),
        ("终审", "approve"),
    ]

    # An editor places it on a page from the page form; the 总编 publishes the issue holding it.
    place_from_page_form(editor, page, story)
    story.refresh_from_db()
    assert story.page == page
    client_for(chief).post(
        reverse("admin:issues_issue_changelist"),
        {"action": "publish_issues", "confirm": "yes", "_selected_action": [issue.pk]},
    )
    assert Issue.objects.get(pk=issue.pk).is_public
    assert Client().get(story.get_absolute_url()).status_code == 200


def test_a_user_outside_the_stage_group_is_refused_by_form_actions_and_services(reporter, editor, chief):
    story = file_story(reporter)
    services.submit_article(article=story, user=reporter)
    # 终审 belongs to the 总编: a 编辑 cannot take it, however asked.
    review.approve(article=story, user=editor)
    story.refresh_from_db()
    assert review.stage_label(story) == "复审中"
    page = decide(editor, story, "approve")
    assert "复审由“编辑部主任”决定" in page.content.decode()
    run_action(editor, "approve_selected", story)
    run_action(editor, "return_to_draft", story, confirm="yes", note="不行")
    with pytest.raises(PermissionDenied):
        review.approve(article=story, user=chief)  # the 总编 decides 终审, not 复审
    with pytest.raises(PermissionDenied):
        review.send_back(article=story, user=reporter, note="自己退回")
    story.refresh_from_db()
    assert (story.status, review.stage_label(story)) == (Status.REVIEW, "复审中")
    assert ReviewDecision.objects.filter(article=story, stage="second").count() == 0


def test_the_form_offers_only_the_decisions_of_the_users_stage(reporter, editor, chief):
    story = file_story(reporter)
    services.submit_article(article=story, user=reporter)
    editor_form = client_for(editor).get(change_url(story)).content.decode()
    chief_form = client_for(chief).get(change_url(story)).content.decode()
    assert 'value="approve"' in editor_form and 'value="return"' in editor_form
    assert 'value="approve"' not in chief_form


def test_returning_needs_a_note(reporter, editor):
    story = file_story(reporter)
    services.submit_article(article=story, user=reporter)
    page = decide(editor, story, "return", "  ")
    assert "退回修改须写明意见" in page.content.decode()
    listing = run_action(editor, "return_to_draft", story)
    assert "请写明意见" in listing.content.decode()  # the action asks for the note first
    story.refresh_from_db()
    assert story.status == Status.REVIEW


def test_the_author_withdraws_before_the_first_decision_and_not_after(reporter, editor, other_reporter):
    story = file_story(reporter)
    services.submit_article(article=story, user=reporter)
    assert 'value="withdraw"' in client_for(reporter).get(change_url(story)).content.decode()
    with pytest.raises(PermissionDenied):
        review.withdraw(article=story, user=other_reporter)
    decide(reporter, story, "withdraw")
    story.refresh_from_db()
    assert story.status == Status.DRAFT

    services.submit_article(article=story, user=reporter)
    review.approve(article=story, user=editor)
    assert 'value="withdraw"' not in client_for(reporter).get(change_url(story)).content.decode()
    page = decide(reporter, story, "withdraw")
    assert "不能撤回" in page.content.decode()
    run_action(reporter, "withdraw_selected", story)
    with pytest.raises(ValidationError):
        review.withdraw(article=story, user=reporter)
    story.refresh_from_db()
    assert story.status == Status.REVIEW


def test_a_story_in_review_cannot_be_set_back_to_draft_through_the_form_by_an_editor(reporter, editor):
    story = file_story(reporter)
    services.submit_article(article=story, user=reporter)
    form = client_for(editor).get(change_url(story)).content.decode()
    assert 'name="status"' not in form  # it moves by the stages' decisions


def test_submitting_through_the_form_enters_the_first_stage(reporter, editor):
    story = file_story(reporter, status="review")
    assert (story.status, review.stage_label(story)) == (Status.REVIEW, "初审中")
    assert ReviewDecision.objects.filter(article=story, decision="submit").count() == 1
    assert "车间里的职工书屋" in client_for(editor).get(reverse("admin:index")).content.decode()


def test_a_two_stage_paper(settings, reporter, editor, department_head, chief):
    settings.NEWSROOM_REVIEW_STAGES = TWO_STAGES
    story = file_story(reporter)
    services.submit_article(article=story, user=reporter)
    decide(editor, story, "approve")
    story.refresh_from_db()
    assert review.stage_label(story) == "终审中"
    with pytest.raises(PermissionDenied):
        review.approve(article=story, user=department_head)
    decide(chief, story, "approve")
    story.refresh_from_db()
    assert story.review_stage == review.READY


def test_reaching_a_stage_and_being_returned_send_mail(settings, reporter, editor, django_capture_on_commit_callbacks):
    reporter.email = "wangxm@example.org"
    reporter.save()
    story = file_story(reporter)
    settings.ALLOWED_HOSTS, settings.SECURE_SSL_REDIRECT = ["paper.example.org", "testserver"], True
    link = f"https://paper.example.org/admin/articles/article/{story.pk}/change/"  # opens from a mail client
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_article(article=story, user=reporter)
    assert [m.to for m in mail.outbox] == [["linping@example.org"]]
    assert "初审" in mail.outbox[0].subject and link in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        review.send_back(article=story, user=editor, note="标题再短些")
    assert mail.outbox[-1].to == ["wangxm@example.org"]
    assert "标题再短些" in mail.outbox[-1].body and link in mail.outbox[-1].body


def test_publishing_an_issue_publishes_only_what_is_placed_in_it(chief, reporter):
    issue = make_issue(published=False)
    make_page(issue)
    story = file_story(reporter)
    client_for(chief).post(
        reverse("admin:issues_issue_changelist"),
        {"action": "publish_issues", "confirm": "yes", "_selected_action": [issue.pk]},
    )
    story.refresh_from_db()
    assert story.status == Status.DRAFT
    assert not Article.objects.published().filter(pk=story.pk).exists()


def test_a_story_the_user_may_not_change_reads_as_the_reader_sees_it(reporter, editor):
    story = file_story(reporter, body="<p>机械厂建起<strong>职工书屋</strong>。</p>")
    photo = ArticleImage(article=story, caption="职工在书屋读书")
    photo.image.save("shuwu.png", ContentFile(png_bytes()), save=True)
    services.submit_article(article=story, user=reporter)
    form = client_for(reporter).get(change_url(story)).content.decode()
    assert "<strong>职工书屋</strong>" in form  # rendered, not &lt;p&gt;
    assert "&lt;p&gt;" not in form
    assert f'<img src="{photo.image.url}"' in form
    assert 'value="withdraw"' in form


def test_a_decision_on_a_story_changed_since_the_panel_showed_it_is_refused(reporter, editor):
    story = file_story(reporter)
    services.submit_article(article=story, user=reporter)
    shown = Article.objects.get(pk=story.pk).version
    Article.objects.get(pk=story.pk).save()  # someone saves it meanwhile
    url = reverse("admin:articles_article_review", args=[story.pk])
    page = client_for(editor).post(url, {"decision": "approve", "version": shown}, follow=True)
    assert "未能通过" in page.content.decode()
    story.refresh_from_db()
    assert review.stage_label(story) == "初审中"


def test_an_editor_editing_a_story_in_review_leaves_it_at_its_stage(
    reporter, editor, django_capture_on_commit_callbacks
):
    story = file_story(reporter)
    services.submit_article(article=story, user=reporter)
    review.approve(article=story, user=editor)
    desk = Browser(editor)
    form = desk.open(change_url(story)).set("headline", "车间里的职工书屋（改标题）")
    with django_capture_on_commit_callbacks(execute=True):
        assert desk.submit(form, "_save").status_code == 302
    story.refresh_from_db()
    assert story.headline == "车间里的职工书屋（改标题）"
    assert review.stage_label(story) == "复审中"  # not sent back to 初审 by the edit
    assert list(story.review_decisions.values_list("decision", flat=True)) == ["submit", "approve"]
    assert mail.outbox == []  # nobody is told it was submitted again
    assert not review.can_withdraw(reporter, story)


def test_the_chief_cannot_return_a_story_waiting_at_a_stage_through_the_form(reporter, chief):
    story = file_story(reporter)
    services.submit_article(article=story, user=reporter)

    # The 总编 may publish from the form, but not return a story at 初审 there without a note on the record.
    desk = Browser(chief)
    form = desk.open(change_url(story))
    html = desk.client.get(change_url(story)).content.decode()
    status_box = html[html.index('name="status"') : html.index("</select>", html.index('name="status"'))]
    assert 'value="published"' in status_box and 'value="draft"' not in status_box
    page = desk.submit(form.set("status", "draft"), "_save")
    assert page.status_code == 200
    assert "errors field-status" in page.content.decode()  # refused at 状态, nothing saved
    story.refresh_from_db()
    assert (story.status, review.stage_label(story)) == (Status.REVIEW, "初审中")
    assert list(story.review_decisions.values_list("decision", flat=True)) == ["submit"]
