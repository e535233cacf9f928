"""Who else has a form open: named on the form as it opens, and by the heartbeat; no lock left behind."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.admin_http import Browser
from tests.factories import make_article, make_issue, make_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(db):
    return make_article(make_page(make_issue(datetime.date(2023, 1, 1))), headline="职工书屋开进车间")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def presence_url(article):
    return reverse("admin:articles_article_presence", args=[article.pk])


def notice_on(html: str) -> str:
    match = re.search(r'<p class="presence-notice" id="presence-notice"[^>]*>(.*?)</p>', html, re.S)
    return match.group(1) if match else ""


def beat(browser, form, **extra):
    data = {"csrfmiddlewaretoken": form.get("csrfmiddlewaretoken"), "version": form.get("version"), **extra}
    response = browser.client.post(browser.presence, data)
    assert response.status_code == 200
    return response.json()


def opened(user, article):
    browser = Browser(user)
    form = browser.open(change_url(article))
    browser.presence = presence_url(article)
    return browser, form


def test_the_second_to_open_a_form_sees_who_has_it_open_already(editor, chief, article):
    with time_machine.travel(timezone.now().replace(second=0), tick=False):
        opened(chief, article)
        since = f"{timezone.localtime():%H:%M}"
        response = Browser(editor).client.get(change_url(article))

    assert f"正在由 zhoumin 编辑（自 {since} 起）" in notice_on(response.content.decode())


def test_the_first_hears_of_the_second_at_the_next_heartbeat(editor, chief, article):
    first, form = opened(chief, article)
    assert notice_on(first.client.get(change_url(article)).content.decode()) == ""
    opened(editor, article)

    answer = beat(first, form)

    assert answer["others"][0]["name"] == "linping"
    assert answer["notice"].startswith("正在由 linping 编辑（自 ")


def test_nobody_is_named_on_a_form_only_they_have_open(chief, article):
    browser, form = opened(chief, article)
    assert beat(browser, form)["notice"] == ""


def test_a_closed_browser_drops_out_after_the_timeout_without_any_lock(editor, chief, article):
    opened(chief, article)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=30)):
        second, _ = opened(editor, article)
    # The first browser was closed: it sends no heartbeat any more.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=95)):
        response = second.client.get(change_url(article))
    assert notice_on(response.content.decode()) == ""


def test_leaving_the_form_removes_the_notice_at_once(editor, chief, article):
    first, form = opened(chief, article)
    second, other_form = opened(editor, article)
    beat(first, form, leave="1")

    assert beat(second, other_form)["notice"] == ""


def test_the_heartbeat_says_when_the_object_was_saved_since_the_form_opened(editor, chief, article):
    import reversion

    first, form = opened(chief, article)
    assert beat(first, form)["saved"] == ""
    with reversion.create_revision():
        article.subtitle = "首批藏书三千册"
        article.save()
        reversion.set_user(editor)

    answer = beat(first, form)

    assert answer["saved"].startswith("linping（")
    assert "保存了新的版本" in answer["saved"]


def test_a_reporter_cannot_watch_a_colleagues_article(reporter, article):
    browser = Browser(reporter)
    token = browser.open("/admin/", "logout-form").get("csrfmiddlewaretoken")

    response = browser.client.post(presence_url(article), {"csrfmiddlewaretoken": token})

    assert response.status_code == 404
