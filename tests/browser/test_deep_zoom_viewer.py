"""The vendored OpenSeadragon opens a stored Deep Zoom pyramid and zooms in to its full-resolution tiles."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.a11y import axe_violations, describe
from unionpaper import deepzoom

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWER = """
<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>版面</title>
<style>html, body, #viewer { margin: 0; width: 100%; height: 100%; }</style></head>
<body><div id="viewer"></div></body></html>
"""


@pytest.fixture
def pyramid():
    img = Image.new("RGB", (2000, 3000), (240, 235, 220))
    ImageDraw.Draw(img).rectangle((1000, 1500, 1099, 1599), fill=(220, 0, 0))
    out = io.BytesIO()
    img.save(out, "PNG")
    return deepzoom.make_deep_zoom(default_storage.save("pages/scan.png", ContentFile(out.getvalue())))


def test_openseadragon_reads_the_pyramid_and_loads_full_resolution_tiles(live_server, browser, pyramid):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    # Any page of the site will do: the viewer runs on its origin, under its Content-Security-Policy.
    page.goto(live_server.url + "/robots.txt")
    page.set_content(VIEWER)
    page.add_script_tag(url=live_server.url + "/static/vendor/openseadragon/openseadragon.min.js")
    size = page.evaluate(
        """url => new Promise((resolve, reject) => {
            const viewer = window.viewer = OpenSeadragon({
                element: document.getElementById("viewer"), tileSources: url, showNavigationControl: false,
                prefixUrl: "/static/vendor/openseadragon/images/", maxZoomPixelRatio: 2,
                // Headless Chromium has only software WebGL, seconds per frame; the 2D canvas is quick.
                drawer: "canvas",
            });
            viewer.addHandler("open", () => resolve(viewer.world.getItemAt(0).getContentSize()));
            viewer.addHandler("open-failed", event => reject(new Error(event.message)));
        })""",
        live_server.url + pyramid.url,
    )
    assert (size["x"], size["y"]) == (2000, 3000)

    top = deepzoom.max_level(2000, 3000)
    level = page.evaluate(
        """([x, y, top]) => new Promise(resolve => {
            const viewer = window.viewer;
            viewer.addHandler("tile-loaded", event => { if (event.tile.level === top) resolve(event.tile.level); });
            const item = viewer.world.getItemAt(0);
            viewer.viewport.panTo(item.imageToViewportCoordinates(x, y), true);
            viewer.viewport.zoomTo(viewer.viewport.getMaxZoom(), null, true);
        })""",
        [1050, 1550, top],
    )
    assert level == top
    assert not failed, failed
    context.close()


PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def zoomable_page():
    """Return (page URL, pyramid, {headline: article URL}) of a page whose scan has a pyramid and two areas."""
    from tests.factories import make_article, make_issue, make_page, rect_area

    page = make_page(make_issue(), "A01", name="要闻")
    img = Image.new("RGB", (2000, 3000), (240, 235, 220))
    out = io.BytesIO()
    img.save(out, "PNG")
    page.image.save("scan.png", ContentFile(out.getvalue()), save=False)
    page.save()
    pyramid = deepzoom.make_deep_zoom(page.image.name)
    articles = {
        headline: make_article(
            page, headline=headline, order=n, hot_areas=rect_area(10 + 40 * n, 10 + 40 * n, 35, 20)
        ).get_absolute_url()
        for n, headline in enumerate(["园区职工服务站启用", "劳模工作室授牌"])
    }
    return page.get_absolute_url(), pyramid, articles


def open_page_with_deep_zoom(context, base, url, pyramid_url, errors):
    """Open the page view, whose scan offers the viewer over its stored pyramid."""
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(base + url)
    assert page.locator("[data-zoom]").get_attribute("data-deepzoom") == pyramid_url
    page.get_by_role("button", name="放大查看").wait_for()
    return page


def wait_for_viewer(page):
    page.wait_for_function(
        "() => { const v = UnionpaperDeepZoom.viewer(document.querySelector('[data-zoom]'));"
        " return v && v.world.getItemCount() === 1 && document.querySelectorAll('.deepzoom-area').length === 2; }"
    )


def zoom_to_full_resolution_on(page, selector):
    """Zoom the viewer in all the way on the element ``selector``; return once full-resolution tiles are drawn."""
    page.evaluate(
        """selector => new Promise(resolve => {
            const viewer = UnionpaperDeepZoom.viewer(document.querySelector("[data-zoom]"));
            const top = Math.ceil(Math.log2(3000));
            viewer.addHandler("tile-drawn", event => { if (event.tile.level === top) resolve(); });
            const box = viewer.getOverlayById(document.querySelector(selector)).getBounds(viewer.viewport);
            viewer.viewport.zoomTo(viewer.viewport.getMaxZoom(), null, true);
            viewer.viewport.panTo(box.getCenter(), true);
        })""",
        selector,
    )


def centre_on_screen(page, selector):
    """Return the centre of the part of ``selector`` a reader sees: inside the viewer's stage and the screen."""
    x, y = page.evaluate(
        """selector => {
            const a = document.querySelector(selector).getBoundingClientRect();
            const s = document.querySelector(".deepzoom-stage").getBoundingClientRect();
            const left = Math.max(a.left, s.left, 0), right = Math.min(a.right, s.right, window.innerWidth);
            const top = Math.max(a.top, s.top, 0), bottom = Math.min(a.bottom, s.bottom, window.innerHeight);
            return right > left && bottom > top ? [(left + right) / 2, (top + bottom) / 2] : [null, null];
        }""",
        selector,
    )
    assert x is not None, f"{selector} is not on the screen"
    return x, y


def test_a_reader_opens_the_viewer_zooms_to_full_resolution_and_taps_through_an_area(
    live_server, browser, zoomable_page
):
    url, pyramid, articles = zoomable_page
    context = browser.new_context(locale="zh-CN", **PHONE)
    errors = []
    page = open_page_with_deep_zoom(context, live_server.url, url, pyramid.url, errors)

    page.get_by_role("button", name="放大查看").tap()
    wait_for_viewer(page)
    assert page.locator(".scan-viewport").is_hidden()
    assert page.get_by_role("region", name="版面放大查看").is_visible()
    assert not (found := axe_violations(page, include=".deepzoom")), describe(found)
    zoom_to_full_resolution_on(page, ".deepzoom-area[aria-label='园区职工服务站启用']")
    x, y = centre_on_screen(page, ".deepzoom-area[aria-label='园区职工服务站启用']")
    page.touchscreen.tap(x, y)
    page.wait_for_url("**" + articles["园区职工服务站启用"])
    assert not errors, errors
    context.close()


def test_a_double_tap_or_a_pinch_on_the_plain_scan_opens_the_viewer(live_server, browser, zoomable_page):
    url, pyramid, _articles = zoomable_page
    context = browser.new_context(locale="zh-CN", **PHONE)
    errors = []

    page = open_page_with_deep_zoom(context, live_server.url, url, pyramid.url, errors)
    box = page.locator(".scan-image").bounding_box()
    x, y = box["x"] + box["width"] * 0.05, box["y"] + box["height"] * 0.4  # on screen, outside both areas
    page.touchscreen.tap(x, y)
    page.touchscreen.tap(x, y)
    wait_for_viewer(page)

    page = open_page_with_deep_zoom(context, live_server.url, url, pyramid.url, errors)
    box = page.locator(".scan-image").bounding_box()
    cdp = context.new_cdp_session(page)
    y = box["y"] + 200
    for kind, spread in (("touchStart", 40), ("touchMove", 80)):
        points = [{"x": box["x"] + 150 - spread, "y": y}, {"x": box["x"] + 150 + spread, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    wait_for_viewer(page)
    assert not errors, errors
    context.close()


def test_a_keyboard_reader_reaches_an_area_in_the_viewer_and_closes_it(live_server, browser, zoomable_page):
    url, pyramid, articles = zoomable_page
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    errors = []
    page = open_page_with_deep_zoom(context, live_server.url, url, pyramid.url, errors)

    page.get_by_role("button", name="放大查看").focus()
    page.keyboard.press("Enter")
    wait_for_viewer(page)
    page.get_by_role("button", name="关闭放大").press("Enter")
    assert page.locator(".scan-viewport").is_visible() and page.locator(".deepzoom").count() == 0
    assert page.evaluate("document.activeElement.textContent") == "放大查看"

    page.keyboard.press("Enter")
    wait_for_viewer(page)
    page.locator(".deepzoom-area[aria-label='劳模工作室授牌']").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**" + articles["劳模工作室授牌"])
    assert not errors, errors
    context.close()


# Two articles drawn as a page editor draws them (fractions of the page): 劳模工作室授牌 in two
# rectangles apart; 园区职工服务站启用 as a rectangle over an L-shaped polygon whose bitten-out
# corner holds the second rectangle of the other. Points inside each shape, and one inside the
# polygon's box but outside the polygon itself.
SHAPED = {
    "劳模工作室授牌": [
        {"type": "rect", "points": [[0.55, 0.05], [0.95, 0.3]]},
        {"type": "rect", "points": [[0.3, 0.38], [0.95, 0.6]]},
    ],
    "园区职工服务站启用": [
        {"type": "rect", "points": [[0.05, 0.05], [0.45, 0.2]]},
        {
            "type": "polygon",
            "points": [[0.05, 0.25], [0.45, 0.25], [0.45, 0.33], [0.25, 0.33], [0.25, 0.55], [0.05, 0.55]],
        },
    ],
}
INSIDE = [
    ("劳模工作室授牌", (0.75, 0.17)),
    ("劳模工作室授牌", (0.6, 0.5)),
    ("园区职工服务站启用", (0.25, 0.12)),
    ("园区职工服务站启用", (0.15, 0.45)),  # the polygon's upright stroke
    ("园区职工服务站启用", (0.4, 0.29)),  # the polygon's top bar
    ("劳模工作室授牌", (0.38, 0.45)),  # in the polygon's box, outside the polygon: the rectangle beneath
]


@pytest.fixture
def shaped_page():
    """Return (page URL, {headline: article URL}) of a page with a pyramid and the articles of ``SHAPED``."""
    from tests.factories import make_article, make_issue, make_page

    page = make_page(make_issue(), "A01", name="要闻")
    out = io.BytesIO()
    Image.new("RGB", (2000, 3000), (240, 235, 220)).save(out, "PNG")
    page.image.save("scan.png", ContentFile(out.getvalue()), save=False)
    page.save()  # its pyramid is made once the save commits
    articles = {
        headline: make_article(page, headline=headline, order=n, hot_areas=shapes).get_absolute_url()
        for n, (headline, shapes) in enumerate(SHAPED.items())
    }
    return page.get_absolute_url(), articles


def open_viewer_on(page, base, url):
    page.goto(base + url)
    page.get_by_role("button", name="放大查看").click()
    page.wait_for_function(
        "() => { const v = UnionpaperDeepZoom.viewer(document.querySelector('[data-zoom]'));"
        " return v && v.world.getItemCount() === 1 && document.querySelectorAll('.deepzoom-area').length === 4; }"
    )


def show_at(page, point, zoom):
    """Zoom the viewer to ``zoom`` (a share of its maximum; 0 is the whole page) on ``point`` (page fractions).

    Return where that point is on the screen once the viewer has drawn it.
    """
    return page.evaluate(
        """([x, y, zoom]) => {
            const viewer = UnionpaperDeepZoom.viewer(document.querySelector("[data-zoom]"));
            const item = viewer.world.getItemAt(0), size = item.getContentSize();
            const target = item.imageToViewportCoordinates(x * size.x, y * size.y);
            const home = viewer.viewport.getHomeZoom(), max = viewer.viewport.getMaxZoom();
            viewer.viewport.zoomTo(home + zoom * (max - home), null, true);
            viewer.viewport.panTo(target, true);
            viewer.viewport.applyConstraints(true);
            // The areas move with the next frame the viewer draws, and the reader taps what is drawn:
            // the tiles of this view are all there, then two frames later the point is where it shows.
            return new Promise(resolve => {
                const drawn = () => requestAnimationFrame(() => requestAnimationFrame(() => {
                    const onStage = viewer.viewport.pixelFromPoint(target, true);
                    const stage = viewer.element.getBoundingClientRect();
                    resolve([stage.left + onStage.x, stage.top + onStage.y]);
                }));
                if (item.getFullyLoaded()) drawn();
                else item.addOnceHandler("fully-loaded-change", drawn);
            });
        }""",
        [*point, zoom],
    )


def tap_through(page, x, y, url, tries=3):
    """Tap at (x, y) and wait until the article at ``url`` opens.

    A tap is a touch shorter than 300 ms; on a loaded machine Playwright's touch
    start and end can land further apart and make a long press, which opens
    nothing, so a tap that did not open the article is tried again, a few times at most.
    """
    for _ in range(tries):
        page.touchscreen.tap(x, y)
        try:
            page.wait_for_url("**" + url, timeout=5000)
            return
        except PlaywrightTimeout:
            if page.url.endswith(url):  # opened, and still loading: no second tap on the article
                page.wait_for_load_state("load")
                return
    raise AssertionError(f"{tries} taps at {x:.0f},{y:.0f} never opened {url}")


@pytest.mark.parametrize("zoom", [0, 0.4, 1], ids=["whole page", "zoomed in", "full zoom"])
def test_every_shape_of_every_article_taps_through_at_every_zoom(live_server, browser, shaped_page, zoom):
    url, articles = shaped_page
    context = browser.new_context(locale="zh-CN", **PHONE)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for headline, point in INSIDE:
        open_viewer_on(page, live_server.url, url)
        x, y = show_at(page, point, zoom)
        assert 0 <= x <= 360 and 0 <= y <= 740, (headline, point, x, y)
        tap_through(page, x, y, articles[headline])
    assert not errors, errors
    context.close()


def viewer_centre_x(page):
    return page.evaluate(
        "() => UnionpaperDeepZoom.viewer(document.querySelector('[data-zoom]')).viewport.getCenter(true).x"
    )


def test_a_drag_over_an_area_pans_the_scan_and_opens_nothing(live_server, browser, shaped_page):
    url, _articles = shaped_page
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    open_viewer_on(page, live_server.url, url)
    x, y = show_at(page, (0.6, 0.5), 0.5)
    before = viewer_centre_x(page)
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x - 20 * step, y)
    page.mouse.up()
    page.wait_for_timeout(1000)
    assert page.url == live_server.url + url
    assert viewer_centre_x(page) > before  # the page moved left under the pointer: the view is further right
    context.close()

    context = browser.new_context(locale="zh-CN", **PHONE)
    page = context.new_page()
    open_viewer_on(page, live_server.url, url)
    x, y = show_at(page, (0.6, 0.5), 0.5)
    before = viewer_centre_x(page)
    cdp = context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x - 10 * step, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(1000)
    assert page.url == live_server.url + url
    assert viewer_centre_x(page) > before
    context.close()


def test_each_article_is_one_tab_stop_in_the_viewer_and_comes_into_view(live_server, browser, shaped_page):
    url, articles = shaped_page
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    open_viewer_on(page, live_server.url, url)
    show_at(page, (0.9, 0.9), 1)  # zoomed in far from both articles
    page.get_by_role("button", name="显示热区").click()
    page.get_by_role("button", name="隐藏热区").click()  # the focused area shows all the same
    page.get_by_role("button", name="关闭放大").focus()
    reached = []
    for _ in range(6):
        page.keyboard.press("Tab")
        label = page.evaluate(
            "() => document.activeElement.classList.contains('deepzoom-area')"
            " ? document.activeElement.getAttribute('aria-label') : null"
        )
        if label:
            reached.append(label)
            page.wait_for_timeout(1500)  # the viewer pans to it
            x, y = centre_on_screen(page, ".deepzoom-area:focus")
            assert page.evaluate(
                "([x, y]) => document.elementFromPoint(x, y).closest('.deepzoom-area') === document.activeElement",
                [x, y],
            )
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline == "solid"
    assert reached == list(SHAPED)
    for _ in range(6):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "劳模工作室授牌":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**" + articles["劳模工作室授牌"])
    context.close()


def test_hidden_areas_still_open_their_article_in_the_viewer(live_server, browser, shaped_page):
    url, articles = shaped_page
    context = browser.new_context(locale="zh-CN", **PHONE)
    page = context.new_page()
    open_viewer_on(page, live_server.url, url)
    page.get_by_role("button", name="隐藏热区").tap()
    assert page.evaluate("() => getComputedStyle(document.querySelector('.deepzoom-area')).outlineStyle") == "none"
    x, y = show_at(page, (0.15, 0.45), 0.6)
    tap_through(page, x, y, articles["园区职工服务站启用"])
    context.close()


def watch_levels(page):
    """Record the levels of the tiles the viewer draws from now on in ``window.drawnLevels``."""
    page.evaluate(
        """() => {
            window.drawnLevels = new Set();
            UnionpaperDeepZoom.viewer(document.querySelector("[data-zoom]"))
                .addHandler("tile-drawn", event => window.drawnLevels.add(event.tile.level));
        }"""
    )


ZOOM = "UnionpaperDeepZoom.viewer(document.querySelector('[data-zoom]')).viewport.getZoom(true)"


def zoom_of(page):
    return page.evaluate(f"() => {ZOOM}")


def double_tap_zooms_in(page, x, y, tries=3):
    """Double-tap at (x, y) and wait for the viewer to zoom in by half again.

    A finger's double tap is two taps within 300 ms; on a loaded machine
    Playwright's two taps can land further apart and count as two single
    taps, so a pair that did not zoom is tapped again, a few times at most.
    """
    start = zoom_of(page)
    for _ in range(tries):
        page.touchscreen.tap(x, y)
        page.touchscreen.tap(x, y)
        try:
            page.wait_for_function(f"() => {ZOOM} > {start * 1.5}", timeout=5000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"{tries} double taps at {x:.0f},{y:.0f} never zoomed the viewer in")


def test_double_taps_and_a_pinch_in_the_viewer_zoom_in_to_the_full_resolution_tiles(live_server, browser, shaped_page):
    url, _articles = shaped_page
    top = deepzoom.max_level(2000, 3000)
    context = browser.new_context(locale="zh-CN", **PHONE)
    page = context.new_page()

    open_viewer_on(page, live_server.url, url)
    watch_levels(page)
    box = page.locator(".deepzoom-stage").bounding_box()
    x, y = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.95  # below both articles' areas
    for _ in range(4):
        double_tap_zooms_in(page, x, y)
    page.wait_for_function(f"() => window.drawnLevels.has({top})")

    open_viewer_on(page, live_server.url, url)
    watch_levels(page)
    cdp = context.new_cdp_session(page)
    cx, cy = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5
    # The fingers land on an area (most of a page is areas): a pinch there zooms like anywhere else.
    assert page.evaluate("([x, y]) => !!document.elementFromPoint(x, y).closest('.deepzoom-area')", [cx, cy])
    start = zoom_of(page)
    pinch = {"type": "touchStart", "touchPoints": [{"x": cx - 20, "y": cy, "id": 0}, {"x": cx + 20, "y": cy, "id": 1}]}
    cdp.send("Input.dispatchTouchEvent", pinch)
    for spread in range(30, 160, 10):
        points = [{"x": cx - spread, "y": cy, "id": 0}, {"x": cx + spread, "y": cy, "id": 1}]
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": points})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_function(f"() => window.drawnLevels.has({top})")
    assert zoom_of(page) > 4 * start
    assert page.url == live_server.url + url  # no gesture opened an article
    context.close()
