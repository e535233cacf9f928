"""Article photos reach phones as a ladder of widths, made once; share images are wide enough for cards."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from tests.factories import png_bytes
from tests.images import camera_photo
from unionpaper import renditions

PHONE_CSS_WIDTH = 360
# What the article column leaves of a 360 px phone: 1rem of padding on each side.
PHOTO_SLOT = PHONE_CSS_WIDTH - 32


@pytest.fixture(scope="module")
def camera_jpeg():
    return camera_photo()


@pytest.fixture
def photo(camera_jpeg):
    return default_storage.save("photos/2023/01/camera.jpg", ContentFile(camera_jpeg))


def stored(rendition):
    with default_storage.open(rendition.name) as f:
        data = f.read()
    with Image.open(io.BytesIO(data)) as img:
        return img.format, img.size, len(data)


def test_a_camera_photo_gets_every_width_in_webp_and_jpeg(photo):
    ladder = renditions.image_ladder(photo)
    for ext, fmt in (("webp", "WEBP"), ("jpg", "JPEG")):
        assert [r.width for r in ladder.renditions[ext]] == list(renditions.WIDTHS)
        for r in ladder.renditions[ext]:
            assert r.height == round(r.width * 2 / 3)
            assert stored(r)[:2] == (fmt, (r.width, r.height))
            assert r.name.startswith("renditions/photos-2023-01-camera-w")
    assert ladder.webp_srcset.split(", ")[0] == f"{ladder.webp[0].url} 320w"
    assert ladder.fallback.width == renditions.FALLBACK_WIDTH


@pytest.mark.parametrize("dpr", [2, 3])
def test_a_phone_downloads_a_small_file_close_to_the_pixels_it_needs(photo, camera_jpeg, dpr):
    ladder = renditions.image_ladder(photo)
    needed = PHOTO_SLOT * dpr
    for ext in ("webp", "jpg"):
        picked = ladder.pick(PHOTO_SLOT, dpr, ext)
        assert needed <= picked.width <= needed * 1.2
        _fmt, _size, size_bytes = stored(picked)
        assert size_bytes < 300 * 1024, f"{ext} at {dpr}x is {size_bytes:,} bytes"
        assert size_bytes < len(camera_jpeg) / 20


@pytest.mark.parametrize("css_width", [360, 375, 390, 412, 428])
@pytest.mark.parametrize("dpr", [2, 3])
def test_phones_at_full_width_get_within_a_fifth_of_the_pixels_they_need(css_width, dpr):
    ladder = renditions.Ladder(
        {"webp": [renditions.Rendition(f"w{w}", f"/w{w}", w, w, "image/webp") for w in renditions.WIDTHS]}
    )
    for slot in (css_width, css_width - 32):
        picked = ladder.pick(slot, dpr)
        assert slot * dpr <= picked.width <= slot * dpr * 1.2 or picked.width == renditions.WIDTHS[-1]


def test_renditions_are_made_once_and_kept(photo, monkeypatch):
    calls = []
    real = renditions._render
    monkeypatch.setattr(renditions, "_render", lambda *args: calls.append(args) or real(*args))
    first = renditions.image_ladder(photo)
    assert renditions.image_ladder(photo) == first
    # Without the cache, storage still answers: nothing is made again.
    from django.core.cache import cache

    cache.clear()
    assert renditions.image_ladder(photo) == first
    assert len(calls) == 1


def test_a_small_photo_is_never_enlarged():
    name = default_storage.save("photos/small.png", ContentFile(png_bytes(500, 400)))
    ladder = renditions.image_ladder(name)
    assert [(r.width, r.height) for r in ladder.jpg] == [(320, 256), (480, 384), (500, 400)]
    assert ladder.fallback.width == 500


def test_a_turned_phone_photo_is_shown_upright():
    img = Image.new("RGB", (1200, 800), "white")
    exif = img.getexif()
    exif[0x0112] = 6  # taken holding the phone upright: stored sideways
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    name = default_storage.save("photos/upright.jpg", ContentFile(out.getvalue()))
    r = renditions.image_ladder(name).jpg[-1]
    assert (r.width, r.height) == (800, 1200) and stored(r)[1] == (800, 1200)


def test_a_missing_or_broken_photo_gives_no_ladder_and_no_error(caplog):
    assert not renditions.image_ladder("photos/gone.jpg")
    broken = default_storage.save("photos/broken.jpg", ContentFile(b"not an image"))
    assert not renditions.image_ladder(broken)
    assert "photos/gone.jpg" in caplog.text and "photos/broken.jpg" in caplog.text


def test_the_lead_photo_makes_a_share_image_1200_wide(photo):
    share = renditions.share_image(photo)
    assert (share.width, share.height) == (1200, 800)
    assert stored(share)[:2] == ("JPEG", (1200, 800))
    assert renditions.share_image(photo) == share


def test_a_share_card_cut_from_the_scan_shows_the_articles_area():
    scan = Image.new("RGB", (4000, 6000), "white")
    ImageDraw.Draw(scan).rectangle((2000, 1200, 3999, 2399), fill="red")  # the article: right half, rows 20-40 %
    name = default_storage.save("pages/scan.png", ContentFile(_png(scan)))
    area = (0.5, 0.2, 0.5, 0.2)
    share = renditions.share_image(name, crop=area)
    assert share.width == 1200 and share.height == 628
    with default_storage.open(share.name) as f, Image.open(f) as card:
        reds = sum(1 for px in card.convert("RGB").getdata() if px[0] > 200 and px[1] < 60)
    assert reds > 0.95 * card.width * card.height
    assert renditions.share_image(name, crop=(0.0, 0.0, 0.5, 0.2)).name != share.name


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        # A wide block: as wide as the block, room above and below around its middle.
        ((0.1, 0.5, 0.8, 0.1), (400, 2463, 3600, 4137)),
        # A narrow column: widened to the card's 1,200 px, its top (the headline) kept, cut below.
        ((0.0, 0.3, 0.2, 0.6), (0, 1800, 1200, 2428)),
        # Near the bottom edge: the box stays inside the scan.
        ((0.5, 0.95, 0.5, 0.05), (2000, 4953, 4000, 6000)),
    ],
)
def test_share_crop_box_keeps_the_card_shape_inside_the_scan(area, expected):
    box = renditions.share_crop_box((4000, 6000), area)
    assert box == expected
    left, top, right, bottom = box
    assert abs((right - left) / (bottom - top) - 1200 / 628) < 0.01


def _png(img) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()
