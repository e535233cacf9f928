"""Restoring a version (历史 → a version → 保存) deletes nothing and never publishes or unpublishes.

Every step goes through the admin over HTTP as the newsroom's roles, and a
restore posts back exactly what the restore page rendered, as a browser would.
"""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles import working_copies
from articles.models import Article
from issues.models import Issue, Page
from tests.admin_forms import article_data, inline_management, rendered_form_data
from tests.factories import make_article, make_issue, make_page, png_bytes
from tests.people import client_for
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db


def restore(client, model_admin, obj, version):
    """Open ``version`` from the history, press 保存; return the page and the answer."""
    url = reverse(f"admin:{model_admin}_revision", args=[obj.pk, version.pk])
    page = client.get(url)
    assert page.status_code == 200, page.content.decode()[:2000]
    answer = client.post(url, rendered_form_data(page))
    assert answer.status_code == 302, answer.content.decode()[:3000]
    return page, answer


def oldest(obj):
    return Version.objects.get_for_object(obj).order_by("pk").first()


def messages_of(client, response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def by_role(request, role):
    return request.getfixturevalue(role)


# --- An issue: nothing added since is deleted -----------------------------------


def editor_builds_issue(editor):
    """An editor makes an issue with pages A34 and A35 in 期 → 增加 (one version)."""
    data = {
        "date": "2026-11-24",
        "number": "47",
        "serial": "",
        "note": "",
        **inline_management("pages", total=2),
        "pages-0-code": "A34",
        "pages-0-name": "法治",
        "pages-0-editor": "",
        "pages-1-code": "A35",
        "pages-1-name": "副刊",
        "pages-1-editor": "",
    }
    response = client_for(editor).post(reverse("admin:issues_issue_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Issue.objects.get(date=datetime.date(2026, 11, 24))


def chief_publishes(chief, issue):
    response = client_for(chief).post(
        reverse("admin:issues_issue_changelist"),
        {"action": "publish_issues", "_selected_action": [issue.pk], "confirm": "1", "publish_at": ""},
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == Status.PUBLISHED


def adds_page_with_article(user, issue, code="34"):
    """版面 → 增加: a page with one article on it, added by ``user`` after the issue's first version."""
    data = {
        "issue": issue.pk,
        "code": code,
        "name": "新增版",
        "editor": "",
        **inline_management("articles", total=1),
        "articles-0-order": "1",
        "articles-0-kicker": "",
        "articles-0-headline": "后来加的稿件",
        "articles-0-byline": "",
        "articles-0-status": "draft",  # a column of the 总编's table only
    }
    response = client_for(user).post(reverse("admin:issues_page_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Page.objects.get(issue=issue, code=code)


@pytest.mark.parametrize("role", ["editor", "chief"])
def test_restoring_an_issue_keeps_pages_and_articles_added_since_and_its_publication(request, role, editor, chief):
    issue = editor_builds_issue(editor)
    chief_publishes(chief, issue)
    published_at = Issue.objects.get(pk=issue.pk).publish_at
    added = adds_page_with_article(chief, issue)  # on a live issue a page is the 总编's to add
    article = added.articles.get()
    client = client_for(by_role(request, role))

    page, answer = restore(client, "issues_issue", issue, oldest(issue))

    html = page.content.decode()
    assert "不删除任何内容" in html and "发布状态不变" in html
    assert "第34版" in html  # the page it keeps is named before anything is pressed
    assert Page.objects.filter(pk=added.pk).exists()
    assert Article.objects.filter(pk=article.pk, headline="后来加的稿件").exists()
    assert sorted(issue.pages.values_list("code", flat=True)) == ["34", "A34", "A35"]
    issue.refresh_from_db()
    assert (issue.status, issue.publish_at) == (Status.PUBLISHED, published_at)
    said = " ".join(messages_of(client, answer))
    assert "发布状态未变" in said and "已保留" in said and "第34版" in said
    assert Client().get(issue.get_absolute_url()).status_code == 200


def test_restoring_an_issue_brings_back_its_own_fields_and_its_pages_fields(editor):
    issue = editor_builds_issue(editor)
    first = oldest(issue)
    a34 = issue.pages.get(code="A34")
    data = {
        "date": "2026-11-24",
        "number": "48",
        "serial": "",
        "note": "改过",
        **inline_management("pages", total=2, initial=2),
    }
    for i, p in enumerate(issue.pages.in_order()):
        data.update(
            {
                f"pages-{i}-id": p.pk,
                f"pages-{i}-issue": issue.pk,
                f"pages-{i}-code": p.code,
                f"pages-{i}-name": "改名" if p.pk == a34.pk else p.name,
                f"pages-{i}-editor": "",
            }
        )
    client = client_for(editor)
    assert client.post(reverse("admin:issues_issue_change", args=[issue.pk]), data).status_code == 302

    restore(client, "issues_issue", issue, first)

    issue.refresh_from_db()
    a34.refresh_from_db()
    assert (issue.number, issue.note, a34.name) == (47, "", "法治")


def test_restoring_an_issue_saved_by_publishing_leaves_its_articles_text_alone(editor, chief):
    """发布整期 saves the articles in the same revision; restoring the issue must not revert them."""
    issue = editor_builds_issue(editor)
    page = adds_page_with_article(editor, issue, code="A36")
    chief_publishes(chief, issue)
    publish_version = Version.objects.get_for_object(issue).order_by("pk").last()
    article = page.articles.get()
    assert publish_version.revision.version_set.filter(object_id=str(article.pk)).exists()
    client = client_for(editor)
    data = article_data(page=page, article=article, headline="编辑后来改的标题")
    data.pop("status"), data.pop("publish_at_0"), data.pop("publish_at_1")
    assert client.post(reverse("admin:articles_article_change", args=[article.pk]), data).status_code == 302
    working_copies.publish_changes(obj=article, user=chief)  # the editor's change of a live article waits for this

    restore(client, "issues_issue", issue, publish_version)

    article.refresh_from_db()
    assert (article.headline, article.status) == ("编辑后来改的标题", Status.PUBLISHED)


# --- Publication state: restoring never publishes or unpublishes -----------------


@pytest.mark.parametrize("role", ["editor", "chief"])
def test_restoring_a_draft_version_of_a_published_issue_leaves_it_published(request, role, editor, chief):
    issue = editor_builds_issue(editor)
    draft_version = oldest(issue)
    chief_publishes(chief, issue)
    published_at = Issue.objects.get(pk=issue.pk).publish_at

    restore(client_for(by_role(request, role)), "issues_issue", issue, draft_version)

    issue.refresh_from_db()
    assert (issue.status, issue.publish_at) == (Status.PUBLISHED, published_at)
    assert Client().get(issue.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", ["editor", "chief"])
def test_restoring_a_published_version_of_a_withdrawn_issue_leaves_it_offline(request, role, editor, chief):
    issue = editor_builds_issue(editor)
    chief_publishes(chief, issue)
    published_version = Version.objects.get_for_object(issue).order_by("pk").last()
    response = client_for(chief).post(
        reverse("admin:issues_issue_changelist"), {"action": "unpublish_issues", "_selected_action": [issue.pk]}
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == Status.REVIEW

    restore(client_for(by_role(request, role)), "issues_issue", issue, published_version)

    issue.refresh_from_db()
    assert (issue.status, issue.publish_at) == (Status.REVIEW, None)
    assert Client().get(issue.get_absolute_url()).status_code == 404


def article_written_by(editor, headline="旧标题"):
    """An editor writes a draft article on a page of a published issue (first version)."""
    page = make_page(make_issue(datetime.date(2026, 11, 24)))
    client = client_for(editor)
    data = article_data(page=page, headline=headline)
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    return Article.objects.get(headline=headline)


def run_action(user, action, article):
    response = client_for(user).post(
        reverse("admin:articles_article_changelist"), {"action": action, "_selected_action": [article.pk]}
    )
    assert response.status_code == 302
    article.refresh_from_db()


def edit_headline(user, article, headline, **overrides):
    client = client_for(user)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = rendered_form_data(client.get(url))
    data.update(headline=headline, **overrides)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()


@pytest.mark.parametrize("role", ["editor", "chief"])
def test_restoring_a_published_version_of_a_draft_leaves_it_a_draft(request, role, editor, chief):
    article = article_written_by(editor)
    run_action(chief, "publish_now", article)
    published_version = Version.objects.get_for_object(article).order_by("pk").last()
    run_action(chief, "unpublish", article)
    edit_headline(editor, article, "新标题", status="draft")
    assert article.status == Status.DRAFT

    page, _answer = restore(client_for(by_role(request, role)), "articles_article", article, published_version)

    assert "发布状态不变" in page.content.decode()
    article.refresh_from_db()
    assert (article.headline, article.status, article.publish_at) == ("旧标题", Status.DRAFT, None)
    assert Client().get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", ["editor", "chief"])
def test_restoring_a_draft_version_of_a_published_article_leaves_it_published(request, role, editor, chief):
    article = article_written_by(editor)
    draft_version = oldest(article)
    run_action(chief, "publish_now", article)
    published_at = article.publish_at
    edit_headline(editor, article, "新标题")

    restore(client_for(by_role(request, role)), "articles_article", article, draft_version)

    article.refresh_from_db()
    assert (article.headline, article.status, article.publish_at) == ("旧标题", Status.PUBLISHED, published_at)
    reader = Client().get(article.get_absolute_url())
    assert reader.status_code == 200 and "旧标题" in reader.content.decode()


def test_the_restore_form_offers_no_status_or_time_to_change_even_to_the_chief(editor, chief):
    article = article_written_by(editor)
    run_action(chief, "publish_now", article)
    url = reverse("admin:articles_article_revision", args=[article.pk, oldest(article).pk])
    data = rendered_form_data(client_for(chief).get(url))
    assert not {"status", "publish_at_0", "publish_at_1"} & set(data)
    # Even a hand-made POST cannot carry a status through a restore.
    data.update(status="draft", publish_at_0="", publish_at_1="")
    assert client_for(chief).post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


# --- An article: photos added since stay ------------------------------------------


def test_restoring_an_article_keeps_photos_added_since(editor):
    article = article_written_by(editor)
    first = oldest(article)
    client = client_for(editor)
    data = article_data(page=article.page, article=article, headline="加图之后")
    data.update(
        {
            **inline_management("images", total=1),
            "images-0-order": "0",
            "images-0-caption": "后来加的图",
            "images-0-credit": "",
            "images-0-image": SimpleUploadedFile("p.jpg", png_bytes(fmt="JPEG"), content_type="image/jpeg"),
        }
    )
    assert client.post(reverse("admin:articles_article_change", args=[article.pk]), data).status_code == 302
    photo = article.images.get()

    page, answer = restore(client, "articles_article", article, first)

    assert "后来加的图" in page.content.decode()
    article.refresh_from_db()
    assert article.headline == "旧标题"
    assert list(article.images.values_list("pk", "caption")) == [(photo.pk, "后来加的图")]
    assert "已保留" in " ".join(messages_of(client, answer))


# --- A page, and a deleted article --------------------------------------------------


def test_restoring_a_page_leaves_the_articles_saved_with_it_alone(chief):
    """Articles edited in the page's own form are in its revision; restoring the page reverts only the page."""
    page = make_page(make_issue(datetime.date(2026, 11, 24)), "A34", name="法治")
    article = make_article(page, headline="版面稿件")
    client = client_for(chief)
    url = reverse("admin:issues_page_change", args=[page.pk])
    data = rendered_form_data(client.get(url))
    data.update({"name": "法治维权", "articles-0-headline": "版面上改的标题"})
    assert client.post(url, data).status_code == 302
    page_version = Version.objects.get_for_object(page).get()
    assert page_version.revision.version_set.filter(object_id=str(article.pk)).exists()
    run_action(chief, "unpublish", article)
    edit_headline(chief, article, "最新标题")

    restore(client, "issues_page", page, page_version)

    page.refresh_from_db()
    article.refresh_from_db()
    assert page.name == "法治维权"
    assert (article.headline, article.status) == ("最新标题", Status.REVIEW)


def test_a_recovered_article_comes_back_as_a_draft(editor, chief):
    """Recovering (总编 only) re-creates a deleted article; it does not put it back online."""
    article = article_written_by(editor)
    run_action(chief, "publish_now", article)
    client = client_for(chief)
    delete = client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert delete.status_code == 302 and not Article.objects.filter(pk=article.pk).exists()
    version = Version.objects.get_deleted(Article).get()
    url = reverse("admin:articles_article_recover", args=[version.pk])
    answer = client.post(url, rendered_form_data(client.get(url)))
    assert answer.status_code == 302, answer.content.decode()[:3000]
    article = Article.objects.get(pk=article.pk)
    assert (article.headline, article.status, article.publish_at) == ("旧标题", Status.DRAFT, None)
    assert Client().get(article.get_absolute_url()).status_code == 404
