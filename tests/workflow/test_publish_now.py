"""Publishing after a schedule does what it says: publish now, reschedule, make immediate, with the articles."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from issues.models import Issue
from tests.factories import make_article, make_issue, make_page
from tests.people import client_for
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db

TZ = timezone.get_fixed_timezone(8 * 60)
SIX = datetime.datetime(2023, 1, 1, 6, 0, tzinfo=TZ)
EIGHT = datetime.datetime(2023, 1, 1, 8, 0, tzinfo=TZ)
TEN = datetime.datetime(2023, 1, 1, 10, 0, tzinfo=TZ)


def issue_with_articles():
    issue = make_issue(datetime.date(2023, 1, 1), published=False)
    a1 = make_page(issue, "A01", name="要闻")
    a2 = make_page(issue, "A02", name="工会动态")
    articles = [
        make_article(a1, headline="市总工会召开全委会", published=False, status=Status.REVIEW),
        make_article(a1, headline="技能大赛落幕", published=False, status=Status.REVIEW, order=1),
        make_article(a2, headline="职工书屋开进车间", published=False),
    ]
    return issue, articles


def publish(chief, issue, at=""):
    return client_for(chief).post(
        reverse("admin:issues_issue_changelist"),
        {"action": "publish_issues", "confirm": "yes", "publish_at": at, "_selected_action": [issue.pk]},
        follow=True,
    )


def confirmation(chief, issue) -> str:
    response = client_for(chief).post(
        reverse("admin:issues_issue_changelist"), {"action": "publish_issues", "_selected_action": [issue.pk]}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_publishing_now_after_a_schedule_puts_every_scheduled_article_online_at_once(chief, client):
    issue, articles = issue_with_articles()
    with time_machine.travel(SIX, tick=False):
        publish(chief, issue, "2023-01-01T08:00")
        assert set(Article.objects.values_list("publish_at", flat=True)) == {EIGHT}
        html = confirmation(chief, issue)
        assert "将上线稿件 3 篇" in html
        assert "本期已定时于 2023年01月01日 08:00 上线" in html
        assert "新发布 0 篇，改期 3 篇，不变 0 篇" in html
        assert html.count("改为随本期上线（原定 2023年01月01日 08:00）") == 3

        response = publish(chief, issue)
        assert "已上线，同时发布稿件 3 篇（新上线 0 篇，改期 3 篇）" in response.content.decode()
        issue_page = client.get(issue.get_absolute_url())
        assert issue_page.status_code == 200
        for article in articles:
            assert article.headline in issue_page.content.decode()
            assert client.get(article.get_absolute_url()).status_code == 200
        assert client.get(articles[0].page.get_absolute_url()).content.decode().count("本版暂无文章") == 0
        assert set(Article.objects.values_list("publish_at", flat=True)) == {SIX}


def test_rescheduling_moves_the_issue_and_its_waiting_articles_together(chief, client):
    issue, articles = issue_with_articles()
    with time_machine.travel(SIX, tick=False):
        publish(chief, issue, "2023-01-01T08:00")
        response = publish(chief, issue, "2023-01-01T10:00")
        said = "将于 2023年01月01日 10:00 上线，同时发布稿件 3 篇（新上线 0 篇，改期 3 篇）"
        assert said in response.content.decode()
    issue.refresh_from_db()
    assert issue.publish_at == TEN
    assert set(Article.objects.values_list("publish_at", flat=True)) == {TEN}
    with time_machine.travel(datetime.datetime(2023, 1, 1, 9, 0, tzinfo=TZ), tick=False):
        assert client.get(issue.get_absolute_url()).status_code == 404
        assert client.get(articles[0].get_absolute_url()).status_code == 404
    with time_machine.travel(TEN, tick=False):
        assert client.get(issue.get_absolute_url()).status_code == 200
        assert client.get(articles[2].get_absolute_url()).status_code == 200


def test_the_confirmation_counts_new_rescheduled_and_unchanged_articles_exactly(chief):
    issue, articles = issue_with_articles()
    with time_machine.travel(SIX, tick=False):
        Article.objects.filter(pk=articles[0].pk).update(
            status=Status.PUBLISHED, publish_at=SIX - datetime.timedelta(days=1)
        )
        Article.objects.filter(pk=articles[1].pk).update(status=Status.PUBLISHED, publish_at=EIGHT)
        html = confirmation(chief, issue)
        assert "将上线稿件 2 篇" in html
        assert "新发布 1 篇，改期 1 篇，不变 1 篇" in html
        assert "本期尚未发布" in html
        response = publish(chief, issue)
        assert "同时发布稿件 2 篇（新上线 1 篇，改期 1 篇）" in response.content.decode()
    published = dict(Article.objects.values_list("pk", "publish_at"))
    assert published == {
        articles[0].pk: SIX - datetime.timedelta(days=1),  # already public: keeps its own time
        articles[1].pk: SIX,
        articles[2].pk: SIX,
    }


def test_publishing_a_live_issue_again_keeps_its_time_and_says_nothing_changes(chief):
    issue, _ = issue_with_articles()
    with time_machine.travel(SIX, tick=False):
        publish(chief, issue)
    with time_machine.travel(TEN, tick=False):
        html = confirmation(chief, issue)
        assert "将上线稿件 0 篇" in html
        assert "本期已上线，发布时间不变" in html
        assert html.count("已发布（不变）") == 3
        publish(chief, issue)
    issue.refresh_from_db()
    assert issue.publish_at == SIX
    assert Issue.objects.published().count() == 1


def test_an_issue_that_went_live_this_very_minute_is_shown_as_live(chief):
    issue, _ = issue_with_articles()
    with time_machine.travel(SIX, tick=False):
        publish(chief, issue)
        html = confirmation(chief, issue)
    assert "本期已上线，发布时间不变" in html
    assert "本期尚未发布" not in html


def test_a_plan_for_a_later_moment_sees_an_issue_due_by_then_as_live(chief):
    from articles.publishing import publish_plan

    issue, _ = issue_with_articles()
    with time_machine.travel(SIX, tick=False):
        publish(chief, issue, at="2023-01-01T08:00")
        issue.refresh_from_db()
        assert publish_plan(issue=issue).issue_change == "rescheduled"  # at six, 8:00 is still to come
        at_ten = publish_plan(issue=issue, now=TEN)  # at ten it is live, and so are its articles: nothing changes
        assert (at_ten.issue_change, at_ten.going_live) == ("", [])


def issue_history(issue) -> list[str]:
    from reversion.models import Version

    return [v.revision.comment for v in Version.objects.get_for_object(issue).order_by("pk")]


def test_the_issues_history_says_what_each_publication_did(chief):
    issue, _ = issue_with_articles()
    with time_machine.travel(SIX, tick=False):
        publish(chief, issue, "2023-01-01T08:00")
        publish(chief, issue, "2023-01-01T10:00")
        publish(chief, issue)
    assert issue_history(issue) == [
        "定时发布整期，上线稿件 3 篇",
        "整期改期，上线稿件 3 篇（其中改期 3 篇）",
        "整期改为立即发布，上线稿件 3 篇（其中改期 3 篇）",
    ]


def test_a_publication_time_of_this_very_minute_publishes_at_once(chief, client):
    issue, _ = issue_with_articles()
    with time_machine.travel(SIX, tick=False):
        publish(chief, issue, "2023-01-01T06:00")
        assert client.get(issue.get_absolute_url()).status_code == 200
    assert issue_history(issue) == ["发布整期，上线稿件 3 篇"]


def test_publishing_again_at_the_time_already_set_changes_nothing(chief):
    issue, _ = issue_with_articles()
    with time_machine.travel(SIX, tick=False):
        publish(chief, issue, "2023-01-01T08:00")
        response = publish(chief, issue, "2023-01-01T08:00")
    assert "将于 2023年01月01日 08:00 上线，同时发布稿件 0 篇。" in response.content.decode()
    assert issue_history(issue) == ["定时发布整期，上线稿件 3 篇"]
    assert set(Article.objects.values_list("publish_at", flat=True)) == {EIGHT}


def test_the_confirmation_marks_each_article_not_yet_public_as_going_live_with_the_issue(chief):
    issue, _ = issue_with_articles()
    with time_machine.travel(SIX, tick=False):
        html = confirmation(chief, issue)
    assert html.count("<td>随本期上线</td>") == 3
    assert "已发布（不变）" not in html
