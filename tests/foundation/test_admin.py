"""The admin as an editor uses it all day."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article
from issues.models import Issue, Page
from tests.admin_forms import inline_management
from tests.factories import make_article, make_issue, make_page, png_bytes

pytestmark = pytest.mark.django_db


def test_editor_creates_an_issue_with_its_pages_in_one_form(admin_client):
    data = {
        "date": "2024-05-01",
        "number": "17",
        "serial": "1251",
        "note": "",
        "status": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        **inline_management("pages", total=2),
        "pages-0-code": "a01",
        "pages-0-name": "要闻",
        "pages-0-editor": "林 平",
        "pages-1-code": "A02",
        "pages-1-name": "工会动态",
        "pages-1-editor": "",
    }
    response = admin_client.post(reverse("admin:issues_issue_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    issue = Issue.objects.get(date=datetime.date(2024, 5, 1))
    assert [(p.code, p.name) for p in issue.pages.in_order()] == [("A01", "要闻"), ("A02", "工会动态")]


def test_editor_uploads_a_page_scan_and_sees_its_preview(admin_client):
    issue = make_issue()
    data = {"issue": issue.pk, "code": "A3", "name": "法治维权", "editor": "", **inline_management("articles")}
    data["image"] = SimpleUploadedFile("scan.jpg", png_bytes(800, 1200, fmt="JPEG"), content_type="image/jpeg")
    response = admin_client.post(reverse("admin:issues_page_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = Page.objects.get(issue=issue, code="A03")
    change = admin_client.get(reverse("admin:issues_page_change", args=[page.pk]))
    html = change.content.decode()
    assert page.thumbnail.url in html
    assert "800 × 1200 像素" in html


def test_duplicate_page_code_in_an_issue_is_refused_with_a_message(admin_client):
    issue = make_issue()
    make_page(issue, "A03")
    data = {"issue": issue.pk, "code": "A3", "name": "", "editor": "", **inline_management("articles")}
    response = admin_client.post(reverse("admin:issues_page_add"), data)
    assert response.status_code == 200
    assert "本期已有第A03版" in response.content.decode()
    assert Page.objects.filter(issue=issue).count() == 1


def test_editor_reorders_articles_on_a_page(admin_client):
    page = make_page()
    first = make_article(page, headline="甲稿", order=1)
    second = make_article(page, headline="乙稿", order=2)
    data = {
        "issue": page.issue.pk,
        "code": page.code,
        "name": page.name,
        "editor": "",
        **inline_management("articles", total=2, initial=2),
    }
    for i, (article, order) in enumerate([(first, 2), (second, 1)]):
        data.update(
            {
                f"articles-{i}-id": article.pk,
                f"articles-{i}-page": page.pk,
                f"articles-{i}-order": order,
                f"articles-{i}-kicker": "",
                f"articles-{i}-headline": article.headline,
                f"articles-{i}-byline": "",
                f"articles-{i}-status": "published",
            }
        )
    response = admin_client.post(reverse("admin:issues_page_change", args=[page.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [a.headline for a in page.articles.order_by("order")] == ["乙稿", "甲稿"]


def test_editor_writes_an_article_with_themes_typed_with_chinese_commas(admin_client):
    page = make_page(make_issue(datetime.date(2023, 1, 1)), "A34")
    data = {
        "page": page.pk,
        "order": "1",
        "kicker": "法律援助进园区",
        "headline": "律师坐班为职工解难",
        "subtitle": "",
        "byline": "本报记者 韩 雪",
        "body": "<p>园区里的法律援助站每周二开放。</p><script>alert(1)</script>",
        "themes": "法律援助、职工维权，技能竞赛",
        "hot_areas": '[{"type": "rect", "points": [[0.05, 0.1], [0.95, 0.4]]}]',
        "status": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        **inline_management("images"),
    }
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(headline="律师坐班为职工解难")
    assert sorted(t.name for t in article.themes.all()) == ["技能竞赛", "法律援助", "职工维权"]
    assert article.authors == ["韩雪"]
    assert "<script>" not in article.body
    assert article.created_by.username == "admin"
    change = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "《职工天地》(2023年01月01日 第A34版)" in change
    assert "身份：本报记者" in change


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status__exact=published",
        "?page_code=A34",
        "?theme=法律援助",
        "?page__issue__date__gte=2023-01-01",
        "?page__issue__date__year=2023&page__issue__date__month=1",
        "?q=韩雪",
    ],
)
def test_article_changelist_and_its_filters_render(admin_client, query):
    article = make_article(
        make_page(make_issue(datetime.date(2023, 1, 1)), "A34"), byline="本报记者 韩 雪", themes=["法律援助"]
    )
    make_article(make_page(make_issue(datetime.date(2022, 12, 1)), "B2"), headline="别的稿件", published=False)
    response = admin_client.get(reverse("admin:articles_article_changelist") + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert article.headline in html
    if query:
        assert "别的稿件" not in html


def test_searching_a_spaced_author_name_finds_the_article(admin_client):
    make_article(byline="文 孟 凡")
    response = admin_client.get(reverse("admin:articles_article_changelist"), {"q": "孟 凡"})
    assert "职工书屋开进车间" in response.content.decode()


@pytest.mark.parametrize("name", ["issues_issue", "issues_page", "articles_theme"])
def test_other_changelists_render_newest_first(admin_client, name):
    make_article(make_page(make_issue(datetime.date(2023, 1, 1)), "A2"), themes=["劳模工匠"])
    make_article(make_page(make_issue(datetime.date(2024, 1, 1)), "A10"))
    response = admin_client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    if name == "issues_issue":
        assert html.index("2024年01月01日") < html.index("2023年01月01日")


def test_theme_suggestions_help_the_editor_type(admin_client):
    make_article(themes=["法律援助", "法治宣传", "技能竞赛"])
    response = admin_client.get(reverse("admin:articles_theme_suggest"), {"q": "法"})
    assert response.json() == {"results": ["法律援助", "法治宣传"]}


def test_article_form_loads_ckeditor_and_theme_autocomplete(admin_client):
    response = admin_client.get(reverse("admin:articles_article_add"))
    html = response.content.decode()
    assert "ckeditor/ckeditor.js" in html
    assert "theme_autocomplete.js" in html
    assert 'data-theme-suggest="/admin/articles/theme/suggest/"' in html
