"""A reader on a phone searches, narrows by year, pages on, and opens a hit, in a real Chromium."""

import datetime
import os
import re

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.factories import make_article, make_issue, make_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective));
"""


def test_reader_searches_narrows_by_year_and_opens_a_hit(browser, live_server, artifacts_dir):
    for year in (2021, 2022):
        page = make_page(make_issue(datetime.date(year, 4, 1)), "A03", name="法治")
        for k in range(12):
            make_article(
                page,
                headline=f"{year}年法律援助案例{k}",
                order=k,
                byline="本报记者 刘 飞",
                body=f"<p>市总工会开展法律援助，帮助职工讨回工资{k}万元。</p>",
            )
    tab = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab.add_init_script(LISTEN)
    tab.goto(live_server.url + "/search/")
    tab.fill("input[name=q]", "法律援助 刘 飞")
    tab.press("input[name=q]", "Enter")
    tab.wait_for_selector(".search-hit")
    assert "共 24 条结果" in tab.inner_text(".search-count")
    assert tab.locator(".search-hit").count() == 20
    assert tab.locator(".search-hit h2 mark").first.inner_text() == "法律援助"
    tab.screenshot(path=os.path.join(artifacts_dir, "search-phone.png"), full_page=True)

    # Re-sorting is one tap, no second 检索.
    tab.locator(".search-sort a:has-text('日期从旧到新')").tap()
    tab.wait_for_url(re.compile(r"sort=oldest"))
    assert tab.locator(".search-hit h2").first.inner_text().startswith("2021年")
    # The extra conditions are big enough to tap on a phone.
    tab.click(".search-more summary")
    for field in ("start", "end", "page_code", "author", "sort"):
        assert tab.locator(f"#id_{field}").bounding_box()["height"] >= 40, field

    tab.click("a[rel=next]")
    tab.wait_for_selector(".search-hit")
    assert tab.locator(".search-hit").count() == 4

    tab.click(".search-facets a:has-text('2021年')")
    tab.wait_for_selector(".search-hit")
    assert "共 12 条结果" in tab.inner_text(".search-count")
    assert all(h.startswith("2021年") for h in tab.locator(".search-hit h2").all_inner_texts())

    second = tab.locator(".search-hit h2 >> nth=1").inner_text()
    tab.click(".search-hit h2 a >> nth=0")
    tab.wait_for_load_state()
    assert "/articles/" in tab.url and "q=" in tab.url
    assert tab.locator("mark").first.inner_text() == "法律援助"
    tab.click("a:has-text('下一条')")
    tab.wait_for_load_state()
    assert "n=1" in tab.url
    assert second in tab.inner_text("body")
    assert tab.evaluate("window.__cspViolations") == []
