"""A delete removes only what the person confirming it was shown.

The confirmation page carries the row's version and a digest of the list
of what goes with it; a change in between (the row edited, a story added
to the page) stops the delete, and the confirmation is shown again as it
is now. Every case goes through HTTP as browsers do (tests/admin_http.py).
"""

import datetime

import pytest
import reversion
from django.urls import reverse

from articles.models import Article
from issues.models import Page
from tests.admin_http import Browser
from tests.factories import make_article, make_issue, make_page
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(db):
    with reversion.create_revision():
        page = make_page(make_issue(datetime.date(2023, 1, 1), published=False), "A02", name="综合")
        return make_article(page, headline="职工书屋开进车间", published=False, status=Status.REVIEW)


def delete_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])


def edit(user, obj, **fields):
    browser = Browser(user)
    form = browser.open(reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]))
    for name, value in fields.items():
        form.set(name, value)
    assert browser.submit(form).status_code == 302


def test_a_page_is_not_deleted_with_a_story_added_after_the_confirmation_was_shown(chief, editor, article):
    page = article.page
    deleter = Browser(chief)
    confirmation = deleter.open(delete_url(page))
    with reversion.create_revision():
        make_article(page, headline="劳模工作室授牌", published=False)

    response = deleter.submit(confirmation)

    assert response.status_code == 302
    shown = deleter.client.get(response.url).content.decode()
    assert "未删除" in shown and "一并删除的内容有了变化" in shown
    assert "劳模工作室授牌" in shown  # the list is now complete
    assert Page.objects.filter(pk=page.pk).exists()
    assert Article.objects.filter(page=page).count() == 2

    # Confirmed on the list as it is now, the delete goes through.
    again = deleter.open(response.url)
    assert deleter.submit(again).status_code == 302
    assert not Page.objects.filter(pk=page.pk).exists()


def test_an_article_edited_after_the_confirmation_was_shown_is_not_deleted(chief, editor, article):
    deleter = Browser(chief)
    confirmation = deleter.open(delete_url(article))
    edit(editor, article, headline="职工书屋开进三号车间")

    response = deleter.submit(confirmation)

    assert response.status_code == 302
    shown = deleter.client.get(response.url).content.decode()
    assert "未删除：确认页打开之后" in shown
    assert "主标题：“职工书屋开进车间” → “职工书屋开进三号车间”（linping" in shown
    assert Article.objects.get(pk=article.pk).headline == "职工书屋开进三号车间"


def test_the_delete_link_of_an_older_form_says_what_changed_since(chief, editor, article):
    deleter = Browser(chief)
    change = deleter.client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    link = f'{delete_url(article)}?version={article.version}"'
    assert link in change
    edit(editor, article, headline="职工书屋开进三号车间")

    shown = deleter.client.get(link.rstrip('"')).content.decode()

    assert "你打开表单之后" in shown and "“职工书屋开进三号车间”（linping" in shown
    confirmation = deleter.open(link.rstrip('"'))
    assert deleter.submit(confirmation).status_code == 302  # confirmed knowing the change
    assert not Article.objects.filter(pk=article.pk).exists()


def test_deleting_selected_rows_edited_after_the_confirmation_is_refused(chief, editor, article):
    lister = Browser(chief)
    listing = lister.open(reverse("admin:articles_article_changelist"), "changelist-form")
    listing.tick("_selected_action", article.pk).set("action", "delete_selected")
    confirmation = lister.read(lister.submit(listing))
    assert confirmation.get(f"_version_{article.pk}") == str(article.version)
    edit(editor, article, headline="职工书屋开进三号车间")

    response = lister.submit(confirmation)

    assert response.status_code == 302
    assert "操作未执行" in lister.client.get(response.url).content.decode()
    assert Article.objects.filter(pk=article.pk).exists()


def test_a_current_confirmation_deletes_the_selected_rows(chief, article):
    lister = Browser(chief)
    listing = lister.open(reverse("admin:articles_article_changelist"), "changelist-form")
    listing.tick("_selected_action", article.pk).set("action", "delete_selected")
    confirmation = lister.read(lister.submit(listing))

    assert lister.submit(confirmation).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
