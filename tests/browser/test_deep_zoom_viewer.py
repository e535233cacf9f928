"""The vendored OpenSeadragon opens a stored Deep Zoom pyramid and zooms in to its full-resolution tiles."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

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
    return page.evaluate(
        """selector => {
            const a = document.querySelector(selector).getBoundingClientRect();
            const s = document.querySelector(".deepzoom-stage").getBoundingClientRect();
            const left = Math.max(a.left, s.left), right = Math.min(a.right, s.right);
            const top = Math.max(a.top, s.top), bottom = Math.min(a.bottom, s.bottom);
            return [(left + right) / 2, (top + bottom) / 2];
        }""",
        selector,
    )


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
    page.get_by_role("link", name="劳模工作室授牌").last.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**" + articles["劳模工作室授牌"])
    assert not errors, errors
    context.close()
