"""A phone downloads images sized for its screen: under 300 KB for a page view or an article with a camera photo.

A 360 x 740 phone at 2x and 3x reads each view to its end (so lazy images
load too), and the bytes of every image it downloaded are added up.
The original photo is never among them (it is only offered for download).
"""

import pytest
from django.core.files.base import ContentFile

from tests.factories import make_article, make_issue, make_page, rect_area
from tests.images import camera_photo, scan_png

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BUDGET = 300 * 1024


@pytest.fixture(scope="module")
def uploads():
    return {"scan": scan_png(), "photo": camera_photo()}


@pytest.fixture
def views(uploads):
    page = make_page(make_issue(), "A01", name="要闻", pdf=True)
    page.image.save("scan.png", ContentFile(uploads["scan"]), save=False)
    page.save()
    article = make_article(
        page,
        headline="园区职工服务站启用",
        body="<p>市总工会在园区设立职工服务站，职工下班后可以就近咨询法律问题。</p>" * 8,
        hot_areas=rect_area(5, 5, 90, 40),
    )
    photo = article.images.create(caption="职工在服务站咨询。", credit="王晓明", order=0)
    photo.image.save("camera.jpg", ContentFile(uploads["photo"]))
    views = {"page view": page.get_absolute_url(), "article with a 6000×4000 photo": article.get_absolute_url()}
    return views, photo.image.name.rsplit("/", 1)[-1]


def image_bytes(browser, url, dpr) -> tuple[int, list[str]]:
    """Return the bytes of images a phone at ``dpr`` downloads reading ``url`` to its end, and what they were."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=dpr, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    images = []
    page.on(
        "requestfinished",
        lambda request: (
            images.append((request.url, request.sizes()["responseBodySize"]))
            if request.resource_type == "image"
            else None
        ),
    )
    page.goto(url, wait_until="load")
    page.evaluate(
        """async () => {
            for (let y = 0; y < document.body.scrollHeight; y += 500) {
                window.scrollTo(0, y);
                await new Promise(r => setTimeout(r, 50));
            }
        }"""
    )
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(size for _, size in images), [f"{u.rsplit('/', 1)[-1]} {s:,}" for u, s in images]


@pytest.mark.parametrize("dpr", [2, 3])
def test_a_phone_downloads_under_300_kb_of_images_per_view(live_server, browser, views, dpr):
    views, original = views
    heavy = {}
    for view, url in views.items():
        total, files = image_bytes(browser, live_server.url + url, dpr)
        if total >= BUDGET:
            heavy[view] = (total, files)
        assert not any(name.startswith(original) for name in files), files  # the original is never sent
    assert not heavy, f"at {dpr}x: {heavy}"
