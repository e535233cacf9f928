"""A reader who opens an article from a search result steps through the places it matches."""

import pytest

from tests.a11y import axe_violations, describe
from tests.factories import make_article, make_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "<p>职工书屋开进车间。</p>"
    + "<p>车间里的工人下班后读书看报，交流技能。</p>" * 30
    + "<p>明年还要再建十个职工书屋。</p>"
)


def test_next_and_previous_place_move_through_the_marked_terms(live_server, browser):
    article = make_article(make_page(), headline="车间来了新书架", body=BODY)
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}{article.get_absolute_url()}?q=职工书屋")
    assert page.locator("mark").count() == 2
    nav = page.get_by_role("navigation", name="检索词在本文中的位置")
    assert "共 2 处" in nav.inner_text()

    def focused():
        return page.evaluate("document.activeElement.id")

    nav.get_by_role("link", name="下一处").tap()
    assert focused() == "hit-1"
    nav.get_by_role("link", name="下一处").tap()
    assert focused() == "hit-2" and page.locator("#hit-2").is_visible()
    assert page.evaluate("document.getElementById('hit-2').getBoundingClientRect().top") < 740
    assert "第 2 处，共 2 处" in nav.inner_text()
    nav.get_by_role("link", name="下一处").tap()
    assert focused() == "hit-1"  # past the last, back to the first
    nav.get_by_role("link", name="上一处").tap()
    assert focused() == "hit-2"
    assert not (found := axe_violations(page)), describe(found)
    assert not errors, errors
    context.close()
