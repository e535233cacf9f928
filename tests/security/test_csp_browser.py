"""In a real Chromium, reader pages and the admin's article editor work under the CSP."""

import pytest

from tests.factories import make_article
from tests.people import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def watch(page):
    """Collect CSP violations from both the DOM event and the console."""
    seen = []
    page.add_init_script(LISTEN)
    page.on("console", lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None)
    return seen


def violations(page, console):
    return list(page.evaluate("window.__cspViolations || []")) + console


def test_a_reader_page_loads_under_the_policy_without_violations(browser, live_server):
    article = make_article(body='<p style="text-align:center">居中</p><p>正文</p>')
    page = browser.new_page()
    console = watch(page)
    response = page.goto(live_server.url + article.get_absolute_url())
    assert response.status == 200
    assert (
        "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
        or "content-security-policy" in response.headers
    )
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.inner_text()
    assert violations(page, console) == []


def test_the_admin_article_editor_loads_ckeditor_under_the_policy(browser, live_server, editor):
    article = make_article(published=False)  # saved directly: a published one's change would wait for the 总编
    page = browser.new_page()
    console = watch(page)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    # wait_for_function would evaluate a string, which this very policy forbids.
    page.wait_for_selector("#cke_id_body .cke_wysiwyg_div")
    for _ in range(100):
        if page.evaluate("CKEDITOR.instances.id_body.status") == "ready":
            break
        page.wait_for_timeout(100)
    assert page.evaluate("CKEDITOR.instances.id_body.status") == "ready", violations(page, console)
    page.evaluate("CKEDITOR.instances.id_body.setData('<p><strong>改过的</strong>正文</p>')")
    page.wait_for_load_state("networkidle")
    assert violations(page, console) == []
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    article.refresh_from_db()
    assert "<strong>改过的</strong>" in article.body
    assert violations(page, console) == []


def test_history_compare_and_restore_pages_work_under_the_policy(browser, live_server, chief):
    from articles import services

    article = make_article(published=False, headline="初版")
    services.publish_article(article=article, user=chief)
    article.headline = "二版"
    services.unpublish_article(article=article, user=chief)
    page = browser.new_page()
    console = watch(page)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", chief.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/history/")
    page.click("input[value=对比所选两个版本]")
    page.wait_for_selector("#version-compare")
    assert "主标题（已修改）" in page.inner_text("#version-compare")
    page.click("text=返回历史记录")
    page.click("#change-history tbody tr:last-child th a")  # the oldest version: its restore form
    page.wait_for_selector("#cke_id_body .cke_wysiwyg_div")
    assert page.input_value("#id_headline") == "初版"
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    article.refresh_from_db()
    assert article.headline == "初版"
    assert violations(page, console) == []
