"""History people can read: names, local times, bylines, bodies as text; restore of chosen fields only."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from tests.admin_forms import article_data, rendered_form_data
from tests.factories import make_issue, make_page
from tests.people import client_for

pytestmark = pytest.mark.django_db

PARAGRAPHS = ["市总工会召开全委会。", "会议审议了工作报告。", "会议号召职工建功立业。", "大会圆满结束。"]
BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
EDITED = BODY.replace("会议审议了工作报告。", "会议审议并通过了工作报告。")


def compare(client, article):
    old, new = Version.objects.get_for_object(article).order_by("pk")[:2]
    response = client.get(reverse("admin:articles_article_compare", args=[article.pk]), {"a": old.pk, "b": new.pk})
    assert response.status_code == 200
    return {row["label"]: row for row in response.context["rows"]}, response.content.decode()


def test_compare_shows_page_names_local_times_bylines_and_the_body_as_text(chief):
    issue = make_issue(published=False)
    first, second = make_page(issue, "A01", name="要闻"), make_page(issue, "A02", name="工会动态")
    client = client_for(chief)
    data = article_data(page=first, headline="全委会召开", byline="本报记者 王晓明", body=BODY)
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    article = Article.objects.get()
    data = article_data(page=second, article=article, byline="本报记者 李 华", body=EDITED)
    data.update(page=second.pk, status="published", publish_at_0="2026-12-02", publish_at_1="08:00:00")
    assert client.post(reverse("admin:articles_article_change", args=[article.pk]), data).status_code == 302

    rows, html = compare(client, article)
    assert (rows["版面"]["old"], rows["版面"]["new"]) == (str(first), str(second))
    assert "第A01版 要闻" in rows["版面"]["old"] and "第A02版 工会动态" in rows["版面"]["new"]
    assert rows["发布时间"]["new"] == "2026年12月02日 08:00:00"
    assert "+00:00" not in html and "08:00:00" in html
    assert (rows["署名"]["old"], rows["署名"]["new"]) == ("本报记者 王晓明", "本报记者 李 华")
    assert rows["创建人"]["new"] == chief.get_username()
    body = rows["正文"]
    assert [p for p in body["diff"] if p["op"] != "same"] == [
        {"op": "removed", "text": "会议审议了工作报告。"},
        {"op": "added", "text": "会议审议并通过了工作报告。"},
    ]
    assert "<del>会议审议了工作报告。</del>" in html and "<ins>会议审议并通过了工作报告。</ins>" in html
    assert "&lt;p&gt;" not in html


def test_restore_brings_back_only_the_chosen_fields_and_keeps_a_colleagues_change(editor, chief):
    page = make_page(make_issue(published=False))
    client = client_for(editor)
    data = article_data(page=page, headline="初版标题", subtitle="初版副题", themes="法律援助")
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    article = Article.objects.get()
    url = reverse("admin:articles_article_change", args=[article.pk])
    edited = rendered_form_data(client.get(url))
    edited.update(headline="改坏的标题", themes="技能竞赛")
    assert client.post(url, edited).status_code == 302
    colleague = client_for(chief)
    edited = rendered_form_data(colleague.get(url))
    edited.update(subtitle="同事改的副题")
    assert colleague.post(url, edited).status_code == 302

    first = Version.objects.get_for_object(article).order_by("pk").first()
    restore_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    page_html = client.get(restore_url)
    html = page_html.content.decode()
    assert "恢复哪些项目" in html
    assert 'value="headline"' in html and 'value="subtitle"' in html and 'value="themes"' in html
    posted = rendered_form_data(page_html)
    assert set(posted["_restore_field"]) == {"headline", "subtitle", "themes"}  # all ticked at first
    posted["_restore_field"] = ["headline"]
    answer = client.post(restore_url, posted, follow=True)
    assert answer.status_code == 200

    article.refresh_from_db()
    assert (article.headline, article.subtitle) == ("初版标题", "同事改的副题")
    assert sorted(article.themes.names()) == ["技能竞赛"]
    said = " ".join(str(m) for m in answer.context["messages"])
    assert "以下项目保留现在的内容，未恢复：副标题、主题" in said
    latest = Version.objects.get_for_object(article).first()
    assert latest.field_dict["subtitle"] == "同事改的副题" and latest.revision.user == editor
