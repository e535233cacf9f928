"""Placing a published story (or taking it off) by someone who may not publish waits for the 总编, on every path."""

import datetime

import pytest
from django.urls import reverse

from articles import review, working_copies
from articles.models import Article, WorkingCopy
from tests.admin_http import Browser, shown_messages
from tests.factories import make_article, make_issue, make_page
from unionpaper.publishing import Status

from .steps import BODY, WORD, public_text


@pytest.fixture
def public_page(db):
    return make_page()  # 2023-01-01 A01, published


def published_in_pool():
    return Article.objects.create(page=None, headline=WORD, status=Status.PUBLISHED, body=BODY)


def copied_page(story):
    return working_copies.data_of(working_copies.copy_of(story))[0]["fields"]["page"]


def test_an_editors_placement_of_a_published_story_by_the_service_waits_for_the_chief(public_page, editor, chief):
    story = published_in_pool()

    review.place(article=story, page=public_page, user=editor)

    story.refresh_from_db()
    assert story.page is None and not story.is_public
    assert WORD not in public_text()
    assert copied_page(story) == public_page.pk  # kept as the story's pending change
    working_copies.publish_changes(obj=story, user=chief)
    story.refresh_from_db()
    assert story.page == public_page and story.is_public
    assert WORD in public_text()


def test_the_chiefs_placement_of_a_published_story_is_public_at_once(public_page, chief):
    story = published_in_pool()
    review.place(article=story, page=public_page, user=chief)
    assert WORD in public_text()
    assert not WorkingCopy.objects.exists()


def test_an_editor_taking_a_public_story_off_its_page_waits_for_the_chief(public_page, editor, chief):
    story = make_article(public_page, headline=WORD, body=BODY)
    review.unplace(article=story, user=editor)
    story.refresh_from_db()
    assert story.page == public_page and WORD in public_text()
    assert copied_page(story) is None
    working_copies.publish_changes(obj=story, user=chief)
    assert WORD not in public_text()


def test_placing_a_draft_from_the_pool_is_still_direct(public_page, editor):
    story = Article.objects.create(page=None, headline=WORD, body=BODY)
    review.place(article=story, page=public_page, user=editor)
    story.refresh_from_db()
    assert story.page == public_page and not WorkingCopy.objects.exists()


def test_the_page_form_and_the_story_form_place_a_published_story_the_same_way(db, editor, chief):
    page = make_page(make_issue(datetime.date(2024, 6, 1), published=False))  # the issue being prepared
    from_page, from_story = (
        published_in_pool(),
        Article.objects.create(page=None, headline="劳模工作室授牌", status=Status.PUBLISHED, body=BODY),
    )
    desk = Browser(editor)

    form = desk.open(reverse("admin:issues_page_change", args=[page.pk]))
    form.fields.append(["place_stories", str(from_page.pk)])
    response = desk.submit(form, "_save")
    assert response.status_code == 302
    shown = shown_messages(desk.client.get(response.url).content.decode())
    assert any(level == "warning" and WORD in text and "待发布的修改" in text for level, text in shown), shown
    story_form = desk.open(reverse("admin:articles_article_change", args=[from_story.pk])).set("page", page.pk)
    assert desk.submit(story_form, "_save").status_code == 302

    for story in (from_page, from_story):
        story.refresh_from_db()
        assert story.page is None  # the live row is untouched
        assert copied_page(story) == page.pk
    listing = desk.client.get(reverse("admin:articles_article_changelist") + "?pending_changes=yes").content.decode()
    assert WORD in listing and "劳模工作室授牌" in listing

    # The 总编 publishes the changes from the list, and the stories are on the page.
    publisher = Browser(chief)
    listing = publisher.open(reverse("admin:articles_article_changelist"), "changelist-form")
    listing.tick("_selected_action", from_page.pk).tick("_selected_action", from_story.pk)
    confirmation = publisher.read(publisher.submit(listing.set("action", "publish_changes")))
    assert publisher.submit(confirmation).status_code == 302
    assert set(Article.objects.filter(page=page).values_list("pk", flat=True)) == {from_page.pk, from_story.pk}
