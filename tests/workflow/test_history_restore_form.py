"""The change forms behind history: an untouched form records no change; hot-area errors are seen.

Saving a published article or issue unchanged used to cut the seconds off its
publication time (the time box shows minutes), so every save logged
"已修改 发布时间". A hot area off the page was accepted, and an error in the
collapsed 版面热区 section was hidden.
"""

import datetime
import json
import re

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


def post_area(editor, shapes):
    article = make_article(published=False)
    client = client_for(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = rendered_form_data(client.get(url))
    data["hot_areas"] = json.dumps(shapes)
    return article, client.post(url, data)


def test_the_hot_area_section_is_closed_while_there_is_nothing_to_fix(editor):
    article = make_article(published=False)
    html = client_for(editor).get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert re.search(r'<textarea[^>]*name="hot_areas"', hot_area_fieldset(html))
    assert "<details>" in hot_area_fieldset(html)


@pytest.mark.parametrize(
    "shapes, message",
    [
        ([{"type": "rect", "points": [[0.1, 0.1], [1.5, 0.3]]}], "第 1 个热区超出版面"),
        (
            [
                {"type": "rect", "points": [[0.1, 0.1], [0.2, 0.2]]},
                {"type": "polygon", "points": [[0.1, 0.7], [0.5, 0.7], [0.3, 1.1]]},
            ],
            "第 2 个热区超出版面",
        ),
        ([{"type": "polygon", "points": [[0.1, 0.1], [0.2, 0.2]]}], "至少需要三个"),
        ([{"type": "circle", "points": [[0.1, 0.1]]}], "须是矩形（rect）或多边形（polygon）"),
    ],
)
def test_a_hot_area_off_the_page_is_refused_and_the_section_opens_to_say_why(editor, shapes, message):
    article, response = post_area(editor, shapes)
    assert response.status_code == 200
    fieldset = hot_area_fieldset(response.content.decode())
    assert "<details>" not in fieldset and "collapse" not in fieldset[: fieldset.index(">")]
    assert 'class="errorlist' in fieldset and message in fieldset
    article.refresh_from_db()
    assert article.hot_areas == []


def test_a_hot_area_on_the_page_is_saved(editor):
    shapes = [
        {"type": "rect", "points": [[0.9, 0.6], [1, 1]]},
        {"type": "polygon", "points": [[0.1, 0.1], [0.1, 0.5], [0.5, 0.5], [0.5, 0.1]]},
    ]
    article, response = post_area(editor, shapes)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(pk=article.pk)
    # Kept as drawn; the polygon's corners come out clockwise as seen on the page.
    assert article.hot_areas == [
        {"type": "rect", "points": [[0.9, 0.6], [1, 1]]},
        {"type": "polygon", "points": [[0.5, 0.1], [0.5, 0.5], [0.1, 0.5], [0.1, 0.1]]},
    ]
