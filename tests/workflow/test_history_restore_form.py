"""The change forms behind history: an untouched form records no change.

Saving a published article or issue unchanged used to cut the seconds off its
publication time (the time box shows minutes), so every save logged
"已修改 发布时间".
"""
import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from tests.factories import make_article, make_issue, make_page

from .conftest import client_for
from .test_history_restore import rendered_form_data

pytestmark = pytest.mark.django_db

# As 发布 stores it: now, to the microsecond.
PUBLISHED_AT = datetime.datetime(2026, 11, 24, 14, 43, 53, 636000, tzinfo=datetime.timezone.utc)


def save_unchanged(client, url, **changes):
    data = rendered_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def compare_rows(client, name, obj):
    old, new = Version.objects.get_for_object(obj).order_by("pk")[:2]
    response = client.get(reverse(f"admin:{name}_compare", args=[obj.pk]), {"a": old.pk, "b": new.pk})
    return {row["label"]: row for row in response.context["rows"]}


def test_saving_a_published_article_unchanged_keeps_its_publish_time_exactly(chief):
    article = make_article(make_page(make_issue(publish_at=PUBLISHED_AT)), publish_at=PUBLISHED_AT)
    client = client_for(chief)
    url = reverse("admin:articles_article_change", args=[article.pk])
    save_unchanged(client, url)
    save_unchanged(client, url, headline="只改标题")

    article.refresh_from_db()
    assert article.publish_at == PUBLISHED_AT
    rows = compare_rows(client, "articles_article", article)
    assert rows["主标题"]["changed"] and not rows["发布时间"]["changed"]
    assert Version.objects.get_for_object(article).first().field_dict["publish_at"] == PUBLISHED_AT
    assert "发布时间" not in LogEntry.objects.filter(object_id=str(article.pk)).first().get_change_message()


def test_saving_a_published_issue_unchanged_keeps_its_publish_time_exactly(chief):
    issue = make_issue(publish_at=PUBLISHED_AT)
    client = client_for(chief)
    url = reverse("admin:issues_issue_change", args=[issue.pk])
    save_unchanged(client, url)
    save_unchanged(client, url, note="备注")

    issue.refresh_from_db()
    assert issue.publish_at == PUBLISHED_AT
    assert not compare_rows(client, "issues_issue", issue)["发布时间"]["changed"]


def test_the_chief_can_still_move_the_publish_time(chief):
    article = make_article(make_page(make_issue(publish_at=PUBLISHED_AT)), publish_at=PUBLISHED_AT)
    client = client_for(chief)
    url = reverse("admin:articles_article_change", args=[article.pk])
    later = timezone.localtime(PUBLISHED_AT + datetime.timedelta(minutes=5))
    save_unchanged(client, url, publish_at_1=later.strftime("%H:%M"))
    article.refresh_from_db()
    assert article.publish_at == later.replace(second=0, microsecond=0)
    assert "发布时间" in LogEntry.objects.filter(object_id=str(article.pk)).first().get_change_message()
