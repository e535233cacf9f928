"""A story in the 回收站 is read-only to everyone until the 总编 restores it: the form, its history and the services."""

import pytest
import reversion
from django.core.exceptions import ValidationError
from django.urls import reverse
from reversion.models import Version

from articles import review, services
from articles.hotareas.service import apply_suggestion
from articles.models import Article
from tests.admin_http import Browser, shown_messages
from tests.factories import make_article, make_page, rect_area

from .steps import BODY, WORD, change_url

NOTE = "本稿在回收站中"


@pytest.fixture
def story(db):
    with reversion.create_revision():  # a draft on a page, with a first version in its history
        return make_article(make_page(), headline=WORD, body=BODY, published=False)


def trash_from_the_panel(browser, story):
    panel = browser.open(change_url(story), form_id="review-form")
    panel.fields.append(["decision", "trash"])  # the panel's button 移入回收站
    assert browser.submit(panel).status_code == 302


@pytest.mark.parametrize("role", ["editor", "chief"])
def test_a_trashed_story_shows_read_only_with_the_note_and_refuses_a_save(story, editor, chief, role):
    user = {"editor": editor, "chief": chief}[role]
    desk = Browser(user)
    opened_before = desk.open(change_url(story))  # the form as it was while the story was on its page
    trash_from_the_panel(Browser(editor), story)

    html = desk.client.get(change_url(story)).content.decode()
    assert NOTE in html and "总编从回收站恢复后才能再编辑" in html
    assert 'name="headline"' not in html and 'name="_save"' not in html  # no box to type in, no save button
    assert "书架上摆满了藏书千册" in html  # the body as the reader sees it

    response = desk.submit(opened_before.set("headline", "改过的标题"), "_save")
    assert response.status_code == 403
    assert Article.objects.get(pk=story.pk).headline == WORD


def test_a_trashed_story_cannot_be_restored_to_an_older_version_from_its_history(story, editor):
    old = Version.objects.get_for_object(story).last()
    review.trash(article=story, user=editor)
    url = reverse("admin:articles_article_revision", args=[story.pk, old.pk])
    desk = Browser(editor)
    shown = desk.client.get(url, follow=True)
    assert shown.redirect_chain[-1][0] == change_url(story)
    assert ("error", "本稿在回收站中，只读：总编从回收站恢复后才能再编辑。不能恢复历史版本。") in shown_messages(
        shown.content.decode()
    )
    token = desk.client.cookies["csrftoken"].value
    refused = desk.client.post(url, {"csrfmiddlewaretoken": token, "headline": "旧标题", "_save": "保存"})
    assert refused.status_code == 302
    story.refresh_from_db()
    assert story.in_trash and story.headline == WORD


def test_the_services_refuse_to_change_a_trashed_story(story, editor, chief):
    review.trash(article=story, user=editor)
    assert not services.can_edit(editor, story) and not services.can_edit(chief, story)
    for change in (
        lambda: review.unplace(article=story, user=editor),
        lambda: apply_suggestion(article=story, shapes=rect_area(0.1, 0.1, 0.2, 0.2), user=editor),
        lambda: services.unpublish_article(article=story, user=chief),
    ):
        with pytest.raises(ValidationError, match="在回收站里，只读"):
            change()
    stored = Article.objects.get(pk=story.pk)
    assert stored.page_id == story.page_id and stored.hot_areas == [] and stored.in_trash


def test_once_restored_the_story_can_be_edited_again(story, editor, chief):
    review.trash(article=story, user=editor)
    review.restore(article=Article.objects.get(pk=story.pk), user=chief)
    desk = Browser(editor)
    form = desk.open(change_url(story))
    assert NOTE not in desk.client.get(change_url(story)).content.decode()
    assert desk.submit(form.set("headline", "恢复后改的标题"), "_save").status_code == 302
    assert Article.objects.get(pk=story.pk).headline == "恢复后改的标题"
