"""Publishing: the issue action with its confirmation, scheduling, and all-or-nothing."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles import publishing as services
from articles import services as article_services
from articles.models import Article
from issues.models import Issue
from tests.factories import make_article, make_issue, make_page
from tests.people import client_for
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db

TZ = timezone.get_fixed_timezone(8 * 60)


def unpublished_issue_with_articles():
    issue = make_issue(datetime.date(2023, 1, 1), published=False)
    a1 = make_page(issue, "A01", name="要闻")
    a2 = make_page(issue, "A02", name="工会动态")
    articles = [
        make_article(a1, headline="市总工会召开全委会", published=False, status=Status.REVIEW),
        make_article(a1, headline="技能大赛落幕", published=False, status=Status.REVIEW, order=1),
        make_article(a2, headline="职工书屋开进车间", published=False),  # still a draft
    ]
    return issue, articles


def test_publish_action_first_shows_what_will_go_live_and_changes_nothing(chief):
    issue, articles = unpublished_issue_with_articles()
    response = client_for(chief).post(
        reverse("admin:issues_issue_changelist"), {"action": "publish_issues", "_selected_action": [issue.pk]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "确认发布整期" in html
    for article in articles:
        assert article.headline in html
    assert "将上线稿件 3 篇" in html
    assert "其中 3 篇尚未通过终审（草稿 1 篇、初审中 2 篇）" in html
    issue.refresh_from_db()
    assert issue.status == Status.DRAFT
    assert not Article.objects.filter(status=Status.PUBLISHED).exists()


def test_confirming_publishes_the_issue_and_every_article_and_readers_see_them(chief, client):
    issue, articles = unpublished_issue_with_articles()
    assert client.get(articles[0].get_absolute_url()).status_code == 404
    response = client_for(chief).post(
        reverse("admin:issues_issue_changelist"),
        {"action": "publish_issues", "confirm": "yes", "publish_at": "", "_selected_action": [issue.pk]},
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.is_public
    assert Article.objects.published().count() == 3
    assert client.get(issue.get_absolute_url()).status_code == 200
    for article in articles:
        assert client.get(article.get_absolute_url()).status_code == 200


def test_scheduled_issue_is_hidden_until_its_time_then_appears_without_any_job(chief, client):
    issue, articles = unpublished_issue_with_articles()
    with time_machine.travel(datetime.datetime(2023, 1, 1, 6, 0, tzinfo=TZ), tick=False):
        response = client_for(chief).post(
            reverse("admin:issues_issue_changelist"),
            {
                "action": "publish_issues",
                "confirm": "yes",
                "publish_at": "2023-01-01T08:00",
                "_selected_action": [issue.pk],
            },
        )
        assert response.status_code == 302
        issue.refresh_from_db()
        assert issue.status == Status.PUBLISHED
        assert issue.publish_at == datetime.datetime(2023, 1, 1, 8, 0, tzinfo=TZ)
        assert not Issue.objects.published().exists()
        assert client.get(articles[0].get_absolute_url()).status_code == 404
    with time_machine.travel(datetime.datetime(2023, 1, 1, 7, 59, tzinfo=TZ), tick=False):
        assert client.get(issue.get_absolute_url()).status_code == 404
    with time_machine.travel(datetime.datetime(2023, 1, 1, 8, 0, 1, tzinfo=TZ), tick=False):
        assert client.get(issue.get_absolute_url()).status_code == 200
        assert client.get(articles[0].get_absolute_url()).status_code == 200
        assert Article.objects.published().count() == 3


def test_a_scheduled_article_appears_at_its_time(chief, client):
    with time_machine.travel(datetime.datetime(2024, 3, 1, 9, 0, tzinfo=TZ), tick=False):
        article = make_article(make_page(make_issue()), published=False)
        article_services.publish_article(
            article=article, user=chief, at=datetime.datetime(2024, 3, 1, 10, 0, tzinfo=TZ)
        )
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(datetime.datetime(2024, 3, 1, 10, 0, 0, tzinfo=TZ), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_a_failure_half_way_publishes_nothing(chief, monkeypatch):
    issue, _articles = unpublished_issue_with_articles()
    real_save = Article.save
    calls = []

    def failing_second_save(self, *args, **kwargs):
        calls.append(self.pk)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Article, "save", failing_second_save)
    with pytest.raises(RuntimeError):
        services.publish_issue(issue=issue, user=chief)
    monkeypatch.undo()
    assert len(calls) == 2
    issue.refresh_from_db()
    assert issue.status == Status.DRAFT
    assert not Article.objects.filter(status=Status.PUBLISHED).exists()


def test_an_article_in_review_that_carries_a_publication_time_goes_live_with_its_issue(chief, client):
    issue, articles = unpublished_issue_with_articles()
    carried = make_article(
        articles[0].page,
        headline="带着旧发布时间的稿件",
        published=False,
        status=Status.REVIEW,
        publish_at=timezone.now() - datetime.timedelta(days=2),
        order=5,
    )
    services.publish_issue(issue=issue, user=chief)
    carried.refresh_from_db()
    assert carried.status == Status.PUBLISHED
    assert client.get(carried.get_absolute_url()).status_code == 200


def test_already_published_articles_keep_their_own_time(chief):
    issue, articles = unpublished_issue_with_articles()
    earlier = timezone.now() - datetime.timedelta(days=3)
    Article.objects.filter(pk=articles[0].pk).update(status=Status.PUBLISHED, publish_at=earlier)
    plan = services.publish_issue(issue=issue, user=chief)
    assert len(plan.to_publish) == 2
    articles[0].refresh_from_db()
    assert articles[0].publish_at == earlier


def test_only_the_chief_editor_may_publish_an_issue(editor, reporter):
    issue, _ = unpublished_issue_with_articles()
    for user in (editor, reporter):
        with pytest.raises(PermissionDenied):
            services.publish_issue(issue=issue, user=user)
    issue.refresh_from_db()
    assert issue.status == Status.DRAFT


def test_sending_back_a_story_without_a_note_is_refused_and_it_stays_in_review(editor):
    from django.core.exceptions import ValidationError

    story = make_article(make_page(make_issue()), published=False, status=Status.REVIEW)
    with pytest.raises(ValidationError) as refused:
        article_services.return_to_draft(article=story, user=editor)
    assert refused.value.messages == ["退回修改须写明意见。"]
    assert Article.objects.get(pk=story.pk).status == Status.REVIEW


def test_publishing_a_story_in_the_trash_is_refused_and_says_which_story(chief, client):
    from django.core.exceptions import ValidationError

    story = make_article(make_page(make_issue()), headline="回收站里的稿件", published=False, status=Status.REVIEW)
    Article.objects.filter(pk=story.pk).update(trashed_at=timezone.now())
    with pytest.raises(ValidationError) as refused:
        article_services.publish_article(article=Article.objects.get(pk=story.pk), user=chief)
    assert refused.value.messages == ["《回收站里的稿件》在回收站里，不能发布。"]
    assert client.get(story.get_absolute_url()).status_code == 404


def test_withdrawing_an_issue_takes_it_off_the_site_and_its_articles_keep_their_state(chief, client):
    from reversion.models import Version

    issue, articles = unpublished_issue_with_articles()
    services.publish_issue(issue=issue, user=chief)
    assert client.get(issue.get_absolute_url()).status_code == 200

    services.unpublish_issue(issue=Issue.objects.get(pk=issue.pk), user=chief)

    issue.refresh_from_db()
    assert (issue.status, issue.publish_at) == (Status.REVIEW, None)
    assert client.get(issue.get_absolute_url()).status_code == 404
    assert client.get(articles[0].get_absolute_url()).status_code == 404
    assert {a.status for a in Article.objects.filter(pk__in=[a.pk for a in articles])} == {Status.PUBLISHED}
    revision = Version.objects.get_for_object(issue).first().revision
    assert (revision.user, revision.comment) == (chief, "撤回整期")
    assert Version.objects.get_for_object(issue).first().field_dict["status"] == Status.REVIEW


def test_withdrawing_an_issue_takes_in_the_change_waiting_for_the_chief_editor(editor, chief):
    from reversion.models import Version

    from articles.models import WorkingCopy
    from tests.workflow.test_history_restore import rendered_form_data

    issue, _ = unpublished_issue_with_articles()
    services.publish_issue(issue=issue, user=chief)
    url = reverse("admin:issues_issue_change", args=[issue.pk])
    data = rendered_form_data(client_for(editor).get(url))
    data["note"] = "春节特刊"
    assert client_for(editor).post(url, data).status_code == 302
    assert Issue.objects.get(pk=issue.pk).note == ""

    services.unpublish_issue(issue=Issue.objects.get(pk=issue.pk), user=chief)

    issue.refresh_from_db()
    assert (issue.status, issue.note) == (Status.REVIEW, "春节特刊")
    assert not WorkingCopy.objects.exists()
    assert Version.objects.get_for_object(issue).first().revision.user == chief


def test_only_the_chief_editor_may_withdraw_an_issue_and_a_stale_withdrawal_is_refused(editor, chief, client):
    from unionpaper.concurrency import StaleVersion

    issue, _ = unpublished_issue_with_articles()
    services.publish_issue(issue=issue, user=chief)
    with pytest.raises(PermissionDenied) as refused:
        services.unpublish_issue(issue=Issue.objects.get(pk=issue.pk), user=editor)
    assert str(refused.value) == "只有总编可以撤回整期。"
    read = Issue.objects.get(pk=issue.pk).version
    Issue.objects.get(pk=issue.pk).save()  # someone else's save
    with pytest.raises(StaleVersion):
        services.unpublish_issue(issue=Issue.objects.get(pk=issue.pk), user=chief, version=read)
    assert client.get(issue.get_absolute_url()).status_code == 200

    current = Issue.objects.get(pk=issue.pk)
    services.unpublish_issue(issue=current, user=chief, version=current.version)
    assert client.get(issue.get_absolute_url()).status_code == 404


def test_an_article_goes_draft_review_published_and_back(reporter, editor, chief):
    article = make_article(make_page(make_issue()), published=False, created_by=reporter)
    article_services.submit_article(article=article, user=reporter)
    assert article.status == Status.REVIEW
    article_services.return_to_draft(article=article, user=editor, note="请补充采访对象的单位")
    assert article.status == Status.DRAFT
    article_services.submit_article(article=article, user=reporter)
    article_services.publish_article(article=article, user=chief)
    assert Article.objects.published().filter(pk=article.pk).exists()
    article_services.unpublish_article(article=article, user=chief)
    assert article.status == Status.REVIEW
    assert not Article.objects.published().filter(pk=article.pk).exists()
    with pytest.raises(PermissionDenied):
        article_services.publish_article(article=article, user=editor)
