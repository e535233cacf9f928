"""The change forms behind history: an untouched form records no change; hot-area errors are seen.

Saving a published article or issue unchanged used to cut the seconds off its
publication time (the time box shows minutes), so every save logged
"已修改 发布时间". A hot area off the page was accepted, and an error in the
collapsed 版面热区 section was hidden.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from tests.factories import make_article, make_issue, make_page
from tests.people import client_for

from .test_history_restore import rendered_form_data

pytestmark = pytest.mark.django_db

# As 发布 stores it: now, to the microsecond.
PUBLISHED_AT = datetime.datetime(2026, 11, 24, 14, 43, 53, 636000, tzinfo=datetime.UTC)


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


# --- 版面热区 ----------------------------------------------------------------------


def hot_area_fieldset(html: str) -> str:
    """Return the HTML of the fieldset whose heading is 版面热区."""
    heading = html.index(">版面热区<")
    start = html.rindex("<fieldset", 0, heading)
    return html[start : html.index("</fieldset>", heading)]


def post_area(editor, **area):
    article = make_article(published=False)
    client = client_for(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = rendered_form_data(client.get(url))
    data.update({f"area_{k}": v for k, v in area.items()})
    return article, client.post(url, data)


def test_the_hot_area_boxes_say_0_to_100(editor):
    article = make_article(published=False)
    html = client_for(editor).get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    for name in ("area_left", "area_top", "area_width", "area_height"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'min="0"' in tag and 'max="100"' in tag
    assert "<details>" in hot_area_fieldset(html)  # closed while there is nothing to fix


@pytest.mark.parametrize(
    "area, message",
    [
        ({"left": "10", "top": "10", "width": "150", "height": "20"}, "确保该值小于或等于100。"),
        ({"left": "90", "top": "10", "width": "50", "height": "20"}, "热区左边距 + 热区宽度 不能超过 100"),
        ({"left": "10", "top": "70", "width": "20", "height": "40"}, "热区上边距 + 热区高度 不能超过 100"),
    ],
)
def test_a_hot_area_off_the_page_is_refused_and_the_section_opens_to_say_why(editor, area, message):
    article, response = post_area(editor, **area)
    assert response.status_code == 200
    fieldset = hot_area_fieldset(response.content.decode())
    assert "<details>" not in fieldset and "collapse" not in fieldset[: fieldset.index(">")]
    assert 'class="errorlist' in fieldset and message in fieldset
    article.refresh_from_db()
    assert article.area_width is None


def test_a_hot_area_on_the_page_is_saved(editor):
    article, response = post_area(editor, left="90", top="60", width="10", height="40")
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(pk=article.pk)
    assert (article.area_left, article.area_top, article.area_width, article.area_height) == (
        Decimal("90"),
        Decimal("60"),
        Decimal("10"),
        Decimal("40"),
    )
