"""The review in a real Chromium: a 记者 files, an 编辑 returns it with a note, the 记者 reads the note."""

import os

import pytest

from articles.models import Article
from tests.admin_browser import log_in
from unionpaper.publishing import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "请补上书屋的藏书数量和开放时间"


def test_reporter_files_editor_returns_reporter_reads_the_note(browser, live_server, reporter, editor, artifacts_dir):
    base = live_server.url

    # 记者: a story with no page, straight into the pool, sent to review.
    page = log_in(browser.new_context(), base, reporter)
    page.goto(base + "/admin/articles/article/add/")
    page.fill("#id_headline", "车间里的职工书屋")
    page.fill("#id_byline", "本报记者 王晓明")
    page.wait_for_selector("#cke_id_body .cke_wysiwyg_div")
    page.evaluate("CKEDITOR.instances.id_body.setData('<p>机械厂建起职工书屋。</p>')")
    page.select_option("#id_status", "review")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    story = Article.objects.get(headline="车间里的职工书屋")
    assert (story.status, story.page) == (Status.REVIEW, None)

    # 编辑: finds it under 待我审核, returns it with a note.
    desk = log_in(browser.new_context(), base, editor)
    desk.click("#newsroom-to-review a:has-text('车间里的职工书屋')")
    desk.wait_for_selector(".review-panel")
    desk.fill("#review-note", NOTE)
    desk.click("button[value=return]")
    desk.wait_for_selector(".messagelist")
    assert "已退回修改" in desk.inner_text(".messagelist")

    # 记者: the note on the start page and at the top of the story's form.
    page.goto(base + "/admin/")
    returned = page.inner_text("#newsroom-returned")
    assert NOTE in returned and "初审退回" in returned
    page.screenshot(path=os.path.join(artifacts_dir, "review-start-page.png"), full_page=True)
    page.click("#newsroom-returned a:has-text('车间里的职工书屋')")
    banner = page.locator(".review-returned")
    banner.wait_for()
    assert NOTE in banner.inner_text()
    assert page.locator("#id_headline").is_editable()  # back to the author as a draft
    page.screenshot(path=os.path.join(artifacts_dir, "review-returned-form.png"), full_page=True)
