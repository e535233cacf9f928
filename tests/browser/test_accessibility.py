"""No barrier for any reader: axe-core finds nothing, tap targets are big enough, nothing scrolls sideways.

Every public view, and the newsroom's article form, on a 360 x 740 phone at
2x and 3x and on a desktop: axe reports no violation at all.
"""

import datetime

import pytest
from django.core.files.base import ContentFile

from tests.a11y import axe_violations, describe, horizontal_overflow, small_targets
from tests.admin_browser import log_in
from tests.factories import make_article, make_issue, make_page, png_bytes, rect_area

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
SCREENS = {
    "phone 2x": {**PHONE, "device_scale_factor": 2},
    "phone 3x": {**PHONE, "device_scale_factor": 3},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}

# Visible controls and links that must be at least 44 x 44 CSS px on a phone, per view.
TAP_TARGETS = (
    ".site-nav a, .site-search button, .site-search input, .pager > a, .scan-tools button, "
    ".site-footer a, .issue-search button, .theme-cloud a, .article-themes a, .page-strip a, "
    ".year-nav a, .search-export a, .search-sort a, .search-pages a, .issue-pdf a, .scan-caption a, .scan-missing a"
)
# Tap targets (view, text as small_targets shows it, without the size) known to be small until templates change.
KNOWN_SMALL = set()

BODY = "<p>市总工会在园区设立职工服务站，职工下班后可以就近咨询法律问题、报名技能培训、领取防暑用品。</p>" * 3


@pytest.fixture
def paper():
    """Return the URLs of every public view over two issues with scans, areas, themes and a photo."""
    for date in (datetime.date(2023, 1, 1), datetime.date(2023, 1, 8)):
        issue = make_issue(date, number=date.day, serial=1250 + date.day)
        for p, (code, name) in enumerate((("A01", "要闻"), ("A02", "工会动态"))):
            page = make_page(issue, code, name=name, pdf=True)
            page.image.save("scan.png", ContentFile(png_bytes(1200, 1800, color=(240, 235, 220))), save=False)
            page.save()
            for n in range(2):
                article = make_article(
                    page,
                    headline=f"{date.day}日第{p + 1}版职工服务站第{n + 1}篇",
                    kicker="园区职工有了新去处" if n == 0 else "",
                    subtitle="下班后就近咨询法律问题" if n == 0 else "",
                    order=n,
                    body=BODY,
                    byline="本报记者 王晓明 通讯员 李 华",
                    themes=["职工服务", "法律援助"],
                    hot_areas=rect_area(5, 5 + n * 45, 90, 40),
                )
    photo = article.images.create(caption="服务站里，律师为职工答疑。", credit="王晓明", order=0)
    photo.image.save("photo.jpg", ContentFile(png_bytes(1600, 1067, color=(120, 140, 160), fmt="JPEG")))
    return {
        "home": "/",
        "page": page.get_absolute_url(),
        "article": article.get_absolute_url(),
        "issue": issue.get_absolute_url(),
        "calendar": "/issues/?year=2023",
        "theme": "/themes/职工服务/",
        "theme list": "/themes/",
        "search": "/search/?q=职工服务站",
        "admin article form": f"/admin/articles/article/{article.pk}/change/",
    }


def visit(browser, live_server, chief, paper, screen):
    """Yield (view, Playwright page) for every view, signed in for the admin only."""
    reader = browser.new_context(locale="zh-CN", **SCREENS[screen])
    staff = browser.new_context(locale="zh-CN", **SCREENS[screen])
    try:
        page = reader.new_page()
        admin = log_in(staff, live_server.url, chief)
        for view, url in paper.items():
            tab = admin if view.startswith("admin") else page
            response = tab.goto(live_server.url + url)
            assert response.status == 200, (view, url, response.status)
            tab.wait_for_load_state("load")
            # The body's CKEditor starts after the load and names its box (role, label) as it gets ready:
            # checked as an editor works in it, not half made.
            tab.wait_for_function(
                "() => !window.CKEDITOR || Object.values(CKEDITOR.instances).every(e => e.status === 'ready')"
            )
            yield view, tab
    finally:
        reader.close()
        staff.close()


@pytest.mark.parametrize("screen", list(SCREENS))
def test_axe_finds_no_barrier_on_any_view(browser, live_server, chief, paper, screen):
    found = {}
    for view, tab in visit(browser, live_server, chief, paper, screen):
        if violations := axe_violations(tab):
            found[view] = describe(violations)
    assert not found, "\n".join(f"{screen} · {view}:\n{text}" for view, text in found.items())


def test_nothing_scrolls_sideways_page_navigation_is_on_the_first_screen_and_controls_are_big_enough_to_tap(
    browser,
    live_server,
    chief,
    paper,
):
    wide, small, below = {}, {}, {}
    for view, tab in visit(browser, live_server, chief, paper, "phone 2x"):
        if overflow := horizontal_overflow(tab):
            wide[view] = overflow
        if view in ("home", "page"):
            # 版面导航 is on the first screen: its current page's link is fully in view without scrolling.
            box = tab.locator(".page-strip [aria-current=page]").bounding_box()
            if box["y"] + box["height"] > PHONE["viewport"]["height"]:
                below[view] = round(box["y"] + box["height"])
        if view.startswith("admin"):
            continue
        targets = [t for t in small_targets(tab, TAP_TARGETS) if (view, t.rsplit(" ", 1)[0]) not in KNOWN_SMALL]
        if targets:
            small[view] = targets
    assert not wide, f"pages wider than the 360 px phone (px too wide): {wide}"
    assert not below, f"版面导航 ends below the 740 px first screen (px): {below}"
    assert not small, "tap targets under 44 x 44 px:\n" + "\n".join(f"{v}: {t}" for v, t in small.items())
