"""A story in the pool or the 回收站 is never public, whatever its status; the trash keeps it until a 总编 acts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles import review
from articles.citations import gbt7714
from articles.models import Article
from tests.admin_http import Browser, shown_messages
from tests.factories import make_article, make_issue, make_page
from tests.people import client_for, make_staff
from unionpaper.publishing import Status

from .steps import BODY, WORD, public_text


@pytest.fixture
def public_page(db):
    return make_page()  # 2023-01-01 A01, published


def test_a_published_story_with_no_page_is_nowhere_public(public_page):
    story = Article.objects.create(page=None, headline=WORD, status=Status.PUBLISHED, body=BODY)
    make_article(public_page, headline="同版另一篇")
    assert not story.is_public
    assert not Article.objects.published().filter(pk=story.pk).exists()
    assert not Article.objects.published_own().filter(pk=story.pk).exists()
    assert WORD not in public_text()
    assert Client().get(story.get_absolute_url()).status_code == 404
    assert story.citation == "" and story.date is None


def test_placing_then_unplacing_a_story_shows_then_hides_it(public_page, chief):
    story = Article.objects.create(page=None, headline=WORD, status=Status.PUBLISHED, body=BODY)
    review.place(article=story, page=public_page, user=chief)
    assert public_text().count(WORD) >= 5
    assert WORD in gbt7714(story)
    review.unplace(article=story, user=chief)
    assert WORD not in public_text()


def test_a_trashed_story_leaves_every_public_path_at_once_and_keeps_its_history(public_page, editor, chief):
    story = make_article(public_page, headline=WORD, body=BODY)
    assert WORD in public_text()
    response = client_for(editor).post(
        reverse("admin:articles_article_review", args=[story.pk]), {"decision": "trash"}, follow=True
    )
    assert "已移入回收站" in response.content.decode()
    story.refresh_from_db()
    assert story.in_trash
    assert WORD not in public_text()
    assert Client().get(story.get_absolute_url()).status_code == 404
    # Off the article list, in the 回收站, with its history.
    assert WORD not in client_for(editor).get(reverse("admin:articles_article_changelist")).content.decode()
    assert WORD in client_for(chief).get(reverse("admin:articles_trashedarticle_changelist")).content.decode()
    assert Version.objects.get_for_object(story).first().revision.comment == "移入回收站"

    # The editor cannot restore or delete for good; the 总编 restores.
    with pytest.raises(PermissionDenied):
        review.restore(article=story, user=editor)
    client_for(editor).post(
        reverse("admin:articles_trashedarticle_changelist"),
        {"action": "purge_selected", "_selected_action": [story.pk]},
    )
    assert Article.objects.filter(pk=story.pk).exists()
    client_for(chief).post(
        reverse("admin:articles_trashedarticle_changelist"),
        {"action": "restore_selected", "_selected_action": [story.pk]},
    )
    story.refresh_from_db()
    assert not story.in_trash
    assert WORD in public_text()


def test_the_chief_deletes_a_trashed_story_for_good(public_page, editor, chief):
    story = make_article(public_page, headline=WORD, body=BODY)
    review.trash(article=story, user=editor)
    client_for(chief).post(
        reverse("admin:articles_trashedarticle_changelist"),
        {"action": "purge_selected", "_selected_action": [story.pk]},
    )
    assert not Article.objects.filter(pk=story.pk).exists()


def test_a_restore_refused_on_the_trash_list_says_why_in_words(public_page, editor, chief, monkeypatch):
    story = make_article(public_page, headline=WORD, body=BODY)
    kept = make_article(public_page, headline="劳模工作室授牌", body=BODY)
    review.trash(article=story, user=editor)
    review.trash(article=kept, user=editor)
    colleague = make_staff("wangjun", "总编")
    restore = review.restore

    def restored_by_a_colleague_first(*, article, user):
        if article.pk == story.pk:  # another 总编 restores this one while the action reaches it
            restore(article=Article.objects.get(pk=story.pk), user=colleague)
        return restore(article=article, user=user)

    monkeypatch.setattr(review, "restore", restored_by_a_colleague_first)
    browser = Browser(chief)
    changelist = reverse("admin:articles_trashedarticle_changelist")
    form = browser.open(changelist, form_id="changelist-form")
    form.set("action", "restore_selected").tick("_selected_action", story.pk).tick("_selected_action", kept.pk)
    response = browser.submit(form, button="index")

    assert response.status_code == 302
    shown = shown_messages(browser.client.get(response.url).content.decode())
    refused = [text for level, text in shown if level == "warning"]
    assert len(refused) == 1, shown
    assert WORD in refused[0] and "在你打开之后已被他人修改" in refused[0]
    assert "['" not in refused[0] and "']" not in refused[0]
    assert ("success", "已恢复 1 篇稿件。") in shown
    kept.refresh_from_db()
    assert not kept.in_trash


def test_a_reporter_cannot_trash(public_page, reporter):
    story = make_article(public_page, headline=WORD, body=BODY, created_by=reporter, published=False)
    with pytest.raises(PermissionDenied):
        review.trash(article=story, user=reporter)
    assert client_for(reporter).get(reverse("admin:articles_trashedarticle_changelist")).status_code == 403


def test_publishing_the_issue_leaves_a_trashed_story_in_the_trash(public_page, editor, chief):
    story = make_article(public_page, headline=WORD, published=False)
    review.trash(article=story, user=editor)
    from articles.publishing import publish_issue

    plan = publish_issue(issue=public_page.issue, user=chief)
    assert story.pk not in [a.pk for a in plan.to_publish]
    story.refresh_from_db()
    assert story.status == Status.DRAFT


def test_the_pool_lists_unplaced_stories_with_its_filters(public_page, editor, reporter):
    Article.objects.create(page=None, headline="稿库里的稿", created_by=reporter)
    make_article(public_page, headline="已上版的稿")
    listing = client_for(editor).get(reverse("admin:articles_poolarticle_changelist"))
    text = listing.content.decode()
    assert "稿库里的稿" in text and "已上版的稿" not in text
    for name in ("created_by__id__exact", "status__exact", "theme", "created_at__gte"):
        assert name in text  # filter by author, status, theme and date filed
    assert client_for(editor).get(reverse("admin:articles_article_changelist")).status_code == 200


def test_citations_and_the_preview_cope_with_a_story_on_no_page(db, editor):
    from articles.citations import ris_record

    story = Article.objects.create(page=None, headline=WORD, subtitle="副题", body=BODY)
    assert gbt7714(story) == f"{WORD}: 副题[N]. 职工天地."
    record = ris_record(story)
    assert "TI  - " in record and "SP  - " not in record and "DA  - " not in record
    assert client_for(editor).get(story.get_absolute_url()).status_code == 404
    assert client_for(editor).get(reverse("admin:articles_article_change", args=[story.pk])).status_code == 200
    assert "稿库" in client_for(editor).get(reverse("admin:articles_article_changelist")).content.decode()


def test_an_editor_places_and_unplaces_from_the_story_form_and_the_page_form(db, editor, reporter):
    page = make_page(make_issue(datetime.date(2024, 6, 1), published=False))  # the issue being prepared
    story = Article.objects.create(page=None, headline=WORD, body=BODY, created_by=reporter)  # a draft, filed
    desk = Browser(editor)
    story_url = reverse("admin:articles_article_change", args=[story.pk])
    page_url = reverse("admin:issues_page_change", args=[page.pk])
    pool_url = reverse("admin:articles_poolarticle_changelist")

    def in_pool():
        listing = desk.client.get(pool_url).content.decode()
        return WORD in listing[listing.find('id="changelist"') :]  # the list, not the message of the last save

    # From the story's form: choose its 版面, then clear it.
    assert desk.submit(desk.open(story_url).set("page", page.pk), "_save").status_code == 302
    story.refresh_from_db()
    assert story.page == page and not in_pool()
    assert desk.submit(desk.open(story_url).set("page", ""), "_save").status_code == 302
    story.refresh_from_db()
    assert story.page is None and in_pool()

    # From the page's form: 从稿库排入本版, then 移回稿库; each step in the story's history.
    form = desk.open(page_url)
    form.fields.append(["place_stories", str(story.pk)])
    assert desk.submit(form, "_save").status_code == 302
    story.refresh_from_db()
    assert story.page == page
    assert "从稿库排入本版" in Version.objects.get_for_object(story).first().revision.comment
    assert desk.submit(desk.open(page_url).tick("unplace_stories", story.pk), "_save").status_code == 302
    story.refresh_from_db()
    assert story.page is None and in_pool()
    assert "移回稿库" in Version.objects.get_for_object(story).first().revision.comment
