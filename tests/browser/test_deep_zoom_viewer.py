"""The vendored OpenSeadragon opens a stored Deep Zoom pyramid and zooms in to its full-resolution tiles."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

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
