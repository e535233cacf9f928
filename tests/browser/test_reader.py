"""A reader walks the e-paper in a real Chromium, on a phone and on a desktop."""

import datetime
import os
import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from articles.demo.drawing import draw_page, layout
from tests.factories import make_article, make_issue, make_page
from unionpaper import deepzoom

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
BODY = (
    "<p>市总工会在园区设立职工服务站，职工下班后可以就近咨询法律问题、报名技能培训、领取防暑用品。</p>"
    "<p>服务站由工会干部和志愿律师轮流值守，每周一到周五晚上开放，周末上午也有人值班。</p>"
    "<p>园区三十多家企业的工会主席参加了启用仪式，大家表示要把服务站用好，让职工少跑路、办成事。</p>"
)


def build_issue(date, pages):
    """Return an issue whose drawn page scans show each article's block where its area is.

    The scans have no Deep Zoom tiles: these pages zoom with zoom.js, as a scan does until its
    tiles are made (tests/browser/test_deep_zoom_viewer.py drives the viewer).
    """
    issue = make_issue(date)
    made = {}
    for code, name, headlines in pages:
        specs = [
            {"kicker": "", "headline": h, "subtitle": "", "byline": "本报记者 王晓明", "paragraphs": [BODY[3:40]] * 6}
            for h in headlines
        ]
        blocks = layout([3] + [2] * (len(headlines) - 1), front_page=code == "A01")
        png = draw_page(
            paper="职工天地", date_text=f"{date:%Y年%m月%d日}", code=code, name=name, articles=specs, blocks=blocks
        )
        page = make_page(issue, code, name=name, pdf=True)
        page.image.save("scan.png", ContentFile(png), save=False)
        page.save()
        default_storage.delete(deepzoom.dzi_name(page.image.name))
        cache.clear()
        for order, (headline, block) in enumerate(zip(headlines, blocks, strict=False)):
            made[headline] = make_article(
                page,
                headline=headline,
                order=order,
                body=BODY,
                byline="本报记者 王晓明 通讯员 李 华",
                themes=["职工服务"] if order == 0 else ["技能竞赛"],
                **block.as_area(),
            )
    return issue, made


@pytest.fixture
def paper():
    build_issue(datetime.date(2023, 1, 1), [("A01", "要闻", ["新年第一期头条", "元旦慰问一线职工"])])
    _, made = build_issue(
        datetime.date(2023, 1, 8),
        [
            ("A01", "要闻", ["园区职工服务站启用", "劳模工作室授牌"]),
            ("A02", "工会动态", ["职工书屋开进车间", "技能比武决出十强", "夜校报名火热"]),
            ("A03", "法治", ["法律援助进园区", "以案说法：加班费怎么算"]),
        ],
    )
    return made


def shoot(page, artifacts_dir, name):
    page.screenshot(path=os.path.join(artifacts_dir, f"reader-{name}.png"), full_page=False)


def test_a_reader_walks_the_paper_on_a_phone(live_server, browser, paper, artifacts_dir):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    # The front page is the latest issue at its first page.
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text().startswith("第A01版")
    assert "2023年01月08日" in page.locator(".issue-date").inner_text()

    # Through the pages with 下一版.
    page.get_by_role("link", name="下一版").first.click()
    page.wait_for_url("**/issues/2023-01-08/A02/")
    page.locator(".scan-image").wait_for()
    page.wait_for_function("() => document.querySelector('.scan-image').complete")
    shoot(page, artifacts_dir, "page-375x812")
    page.get_by_role("link", name="下一版").first.click()
    page.wait_for_url("**/issues/2023-01-08/A03/")
    page.get_by_role("link", name="上一版").first.click()
    page.wait_for_url("**/issues/2023-01-08/A02/")

    # Zoom in with the buttons: the areas grow with the scan and still lead to their articles.
    area = page.locator(f'svg a[href="{paper["技能比武决出十强"].get_absolute_url()}"]')
    before = area.bounding_box()
    page.get_by_role("button", name="＋ 放大").click()
    page.get_by_role("button", name="＋ 放大").click()
    assert page.locator("[data-zoom-level]").inner_text() == "200%"
    after = area.bounding_box()
    assert after["width"] == pytest.approx(before["width"] * 2, rel=0.05)
    area.scroll_into_view_if_needed()
    area.click()
    page.wait_for_url(f"**{paper['技能比武决出十强'].get_absolute_url()}")
    assert page.locator("h1").inner_text() == "技能比武决出十强"
    shoot(page, artifacts_dir, "article-375x812")

    # 上一篇 / 下一篇 within the issue.
    page.get_by_role("link", name=re.compile("^下一篇")).click()
    assert page.locator("h1").inner_text() == "夜校报名火热"
    page.get_by_role("link", name=re.compile("^上一篇")).click()
    page.get_by_role("link", name=re.compile("^上一篇")).click()
    assert page.locator("h1").inner_text() == "职工书屋开进车间"

    # Follow the citation back to the page.
    page.get_by_role("link", name="《职工天地》(2023年01月08日 第A02版)").click()
    page.wait_for_url("**/issues/2023-01-08/A02/")

    # The calendar, and an earlier issue picked from it.
    page.get_by_role("link", name="往期回顾").first.click()
    page.wait_for_url("**/issues/")
    page.get_by_role("link", name="1", exact=True).first.click()
    page.wait_for_url("**/issues/2023-01-01/")
    assert "新年第一期头条" in page.content()

    # A theme, from an article.
    page.get_by_role("link", name="新年第一期头条").click()
    page.get_by_role("link", name="职工服务", exact=True).click()
    page.wait_for_url(re.compile(r".*/themes/.+/$"))
    assert page.locator("h1").inner_text() == "职工服务"
    assert page.locator(".theme-articles li").count() == 4  # each page's first article
    assert errors == []
    context.close()


def test_a_reader_on_a_desktop_reaches_articles_from_the_scan_by_keyboard(live_server, browser, paper, artifacts_dir):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/issues/2023-01-08/A03/")
    page.wait_for_function("() => document.querySelector('.scan-image').complete")
    # Each area covers its article's block on the drawn scan.
    image = page.locator(".scan-image").bounding_box()
    area = page.locator(f'svg a[href="{paper["法律援助进园区"].get_absolute_url()}"]').bounding_box()
    article = paper["法律援助进园区"]
    (x0, _), (x1, _) = article.hot_areas[0]["points"]
    assert area["x"] - image["x"] == pytest.approx(image["width"] * x0, abs=2)
    assert area["width"] == pytest.approx(image["width"] * (x1 - x0), abs=2)
    shoot(page, artifacts_dir, "page-1280x800")

    page.locator("svg a").first.focus()
    assert page.evaluate("document.activeElement.getAttribute('href')") == article.get_absolute_url()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{paper['以案说法：加班费怎么算'].get_absolute_url()}")
    page.goto(live_server.url + article.get_absolute_url())
    shoot(page, artifacts_dir, "article-1280x800")

    # Printed, the article keeps its text and citation and drops the site around it.
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden() and page.locator(".article-pager").is_hidden()
    assert page.locator(".article-body").is_visible() and page.locator(".cite-gbt").is_visible()
    context.close()


def test_the_page_works_without_javascript(live_server, browser, paper):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/issues/2023-01-08/A01/")
    assert page.locator("[data-zoom-tools]").is_hidden()
    page.locator(f'svg a[href="{paper["劳模工作室授牌"].get_absolute_url()}"]').click()
    assert page.locator("h1").inner_text() == "劳模工作室授牌"
    context.close()


def test_a_phone_reader_pinches_the_scan_to_zoom_and_the_areas_follow(live_server, browser, paper):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + "/issues/2023-01-08/A02/")
    page.wait_for_function("() => document.querySelector('.scan-image').complete")
    area = page.locator(f'svg a[href="{paper["职工书屋开进车间"].get_absolute_url()}"]')
    before = area.bounding_box()
    box = page.locator("[data-zoom-viewport]").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + 150
    cdp = context.new_cdp_session(page)

    def touch(kind, spread):
        points = [{"x": cx - spread, "y": cy, "id": 0}, {"x": cx + spread, "y": cy, "id": 1}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [] if kind == "touchEnd" else points})

    touch("touchStart", 40)
    for spread in (50, 60, 70, 80):
        touch("touchMove", spread)
    touch("touchEnd", 80)
    assert page.locator("[data-zoom-level]").inner_text() == "200%"
    assert area.bounding_box()["width"] == pytest.approx(before["width"] * 2, rel=0.05)
    context.close()


def test_an_article_with_long_neighbouring_headlines_fits_a_phone_screen(live_server, browser, artifacts_dir):
    _, made = build_issue(
        datetime.date(2023, 2, 5),
        [
            (
                "A01",
                "要闻",
                [
                    "市总工会召开全市职工技能竞赛总结表彰大会暨新一轮竞赛动员会",
                    "短讯",
                    "产业工人队伍建设改革推进会在高新区召开百家企业交流经验做法",
                ],
            )
        ],
    )
    for javascript in (True, False):
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript)
        page = context.new_page()
        page.goto(live_server.url + made["短讯"].get_absolute_url())
        # Nothing wider than the screen: a long 上一篇/下一篇 headline is cut short with …, not the page widened.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        up = page.locator(".article-pager .pager-up").bounding_box()
        assert up["x"] + up["width"] <= PHONE["width"] and up["height"] < 80  # 回到第A01版 stays on a line or two
        if javascript:
            page.locator(".article-pager").scroll_into_view_if_needed()
            shoot(page, artifacts_dir, "article-long-neighbours-375")
        page.get_by_role("link", name=re.compile("下一篇")).tap() if javascript else page.get_by_role(
            "link", name=re.compile("下一篇")
        ).click()
        page.wait_for_url("**" + made["产业工人队伍建设改革推进会在高新区召开百家企业交流经验做法"].get_absolute_url())
        context.close()


# What moved on the screen, summed as Lighthouse does for CLS. The reader does nothing here; an emulated
# phone marks its first shifts "after recent input" all the same, so none is left out (nor is it by Lighthouse).
RECORD_SHIFTS = """window.layoutShift = 0;
window.addShifts = entries => entries.forEach(e => { window.layoutShift += e.value; });
window.shiftObserver = new PerformanceObserver(list => window.addShifts(list.getEntries()));
window.shiftObserver.observe({type: "layout-shift", buffered: true});"""
# The observer's callbacks come late on a slow phone: what it has not delivered yet is taken too.
LAYOUT_SHIFT = "() => { window.addShifts(window.shiftObserver.takeRecords()); return window.layoutShift; }"


def slow_phone(context, page):
    """Make ``page`` load as on a mid-range phone on slow 4G, as Lighthouse's mobile preset does."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    conditions = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
    cdp.send("Network.emulateNetworkConditions", conditions)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})


# A 360 px phone, where the tools fill their row, and Lighthouse's mobile screen, where its CLS saw the scan move.
SLOW_PHONES = (
    {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 3},
    {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75},
)


@pytest.mark.parametrize("deep_zoom", [False, True], ids=["zoom.js", "with the viewer"])
def test_the_scan_does_not_jump_when_its_buttons_come(live_server, browser, paper, deep_zoom):
    """The zoom buttons and 显示/隐藏热区 appear with their scripts, in room kept for them from the first paint."""
    if deep_zoom:
        from issues.models import Page

        for page in Page.objects.filter(issue__date=datetime.date(2023, 1, 8)):
            deepzoom.make_deep_zoom(page.image.name)
    for screen in SLOW_PHONES:
        context = browser.new_context(**screen, is_mobile=True, has_touch=True)
        for url in ("/", "/issues/2023-01-08/A02/"):
            page = context.new_page()
            slow_phone(context, page)
            page.add_init_script(RECORD_SHIFTS)
            page.goto(live_server.url + url, wait_until="networkidle")
            page.get_by_role("button", name="隐藏热区").wait_for()
            assert page.get_by_role("button", name="＋ 放大").is_visible()
            assert page.get_by_role("button", name="放大查看").is_visible() == deep_zoom
            shift = page.evaluate(LAYOUT_SHIFT)
            assert shift < 0.005, (screen, url, shift)
            if deep_zoom:  # the tools keep to one row, 放大查看 included
                assert page.locator(".scan-tools").bounding_box()["height"] < 50, screen
            page.close()
        context.close()
