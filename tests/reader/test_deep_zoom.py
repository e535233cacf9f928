"""A page scan becomes a Deep Zoom pyramid, made once, that a viewer can zoom to full resolution."""

import io
import math
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from unionpaper import deepzoom

MARK = (3000, 4500)  # a red square's top-left corner on the big scan, 20 px wide


def scan_bytes(width, height, fmt="PNG") -> bytes:
    img = Image.new("RGB", (width, height), (240, 235, 220))
    draw = ImageDraw.Draw(img)
    for y in range(0, height, 300):
        draw.line((0, y, width, y), fill=(40, 40, 40), width=3)
    x, y = MARK
    if x < width and y < height:
        draw.rectangle((x, y, x + 19, y + 19), fill=(220, 0, 0))
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


@pytest.fixture(scope="module")
def big_scan_png():
    return scan_bytes(4000, 6000)


def stored_tiles(dzi_name):
    folder = deepzoom.tiles_folder(dzi_name)
    levels = {}
    dirs, _ = default_storage.listdir(folder)
    for level in dirs:
        _, files = default_storage.listdir(f"{folder}/{level}")
        levels[int(level)] = sorted(files)
    return levels


def open_tile(dzi_name, level, column, row, ext="jpg"):
    with default_storage.open(f"{deepzoom.tiles_folder(dzi_name)}/{level}/{column}_{row}.{ext}") as f:
        img = Image.open(io.BytesIO(f.read()))
        img.load()
    return img


@pytest.mark.slow
def test_a_4000_by_6000_scan_makes_a_complete_pyramid(big_scan_png):
    source = default_storage.save("pages/2023/01/scan.png", ContentFile(big_scan_png))
    made = deepzoom.make_deep_zoom(source)
    assert (made.width, made.height) == (4000, 6000)
    assert made.url.endswith(".dzi")

    with default_storage.open(made.name) as f:
        root = ElementTree.parse(f).getroot()
    ns = "{http://schemas.microsoft.com/deepzoom/2008}"
    assert root.tag == f"{ns}Image"
    assert (root.get("Format"), root.get("TileSize"), root.get("Overlap")) == ("jpg", "254", "1")
    size = root.find(f"{ns}Size")
    assert (size.get("Width"), size.get("Height")) == ("4000", "6000")

    levels = stored_tiles(made.name)
    assert sorted(levels) == list(range(14))  # ceil(log2(6000)) = 13, and level 0
    expected = {13: (16, 24), 12: (8, 12), 11: (4, 6), 10: (2, 3), 9: (1, 2), 0: (1, 1)}
    for level, (columns, rows) in expected.items():
        assert sorted(levels[level]) == sorted(f"{c}_{r}.jpg" for c in range(columns) for r in range(rows))
    assert sum(len(files) for files in levels.values()) == 521

    # Tiles are 254 px plus one pixel shared with each neighbour; the last column and row are what is left.
    assert open_tile(made.name, 13, 0, 0).size == (255, 255)
    assert open_tile(made.name, 13, 1, 1).size == (256, 256)
    assert open_tile(made.name, 13, 15, 23).size == (4000 - 15 * 254 + 1, 6000 - 23 * 254 + 1)
    assert open_tile(made.name, 0, 0, 0).size == (1, 1)
    assert open_tile(made.name, 12, 0, 0).format == "JPEG"

    # Full resolution really is full: the 20 px mark is in the tile that covers it, where it was drawn.
    column, row = MARK[0] // 254, MARK[1] // 254
    tile = open_tile(made.name, 13, column, row)
    x, y = MARK[0] - column * 254 + 1 + 10, MARK[1] - row * 254 + 1 + 10
    r, g, b = tile.getpixel((x, y))
    assert r > 180 and g < 60 and b < 60


@pytest.fixture
def small_scan():
    return default_storage.save("pages/small.jpg", ContentFile(scan_bytes(1000, 700, "JPEG")))


def test_a_pyramid_is_made_once(small_scan, monkeypatch):
    first = deepzoom.make_deep_zoom(small_scan)
    saves = []
    real_save = default_storage.save
    monkeypatch.setattr(default_storage, "save", lambda name, content: saves.append(name) or real_save(name, content))
    assert deepzoom.make_deep_zoom(small_scan) == first
    assert deepzoom.deep_zoom(small_scan) == first
    assert saves == []


def test_a_run_that_stopped_midway_is_finished_and_keeps_its_tiles(small_scan, monkeypatch):
    deepzoom.make_deep_zoom(small_scan)
    name = deepzoom.dzi_name(small_scan)
    folder = deepzoom.tiles_folder(name)
    default_storage.delete(name)
    default_storage.delete(f"{folder}/10/3_2.jpg")
    cache.clear()  # as a run that stopped before its .dzi left it: never remembered
    assert deepzoom.deep_zoom(small_scan) is None  # not complete: the viewer is not offered

    saves = []
    real_save = default_storage.save
    monkeypatch.setattr(default_storage, "save", lambda n, content: saves.append(n) or real_save(n, content))
    assert deepzoom.make_deep_zoom(small_scan).width == 1000
    assert saves == [f"{folder}/10/3_2.jpg", name]
    assert deepzoom.deep_zoom(small_scan).height == 700


def test_webp_tiles_when_asked(small_scan):
    made = deepzoom.make_deep_zoom(small_scan, ext="webp")
    assert made.name.endswith("-webp.dzi")
    assert open_tile(made.name, 10, 0, 0, "webp").format == "WEBP"
    assert b'Format="webp"' in default_storage.open(made.name).read()


def test_page_views_never_make_a_pyramid(small_scan):
    assert deepzoom.deep_zoom(small_scan) is None
    assert not default_storage.exists(deepzoom.dzi_name(small_scan))


def test_an_unreadable_scan_gets_no_pyramid(caplog):
    broken = default_storage.save("pages/broken.png", ContentFile(b"not an image"))
    assert deepzoom.make_deep_zoom(broken) is None
    assert deepzoom.make_deep_zoom("pages/gone.png") is None
    assert "pages/broken.png" in caplog.text and "pages/gone.png" in caplog.text


@pytest.mark.parametrize(("width", "height"), [(1, 1), (254, 254), (255, 100), (4000, 6000), (8192, 100)])
def test_levels_halve_down_to_one_pixel(width, height):
    top = deepzoom.max_level(width, height)
    assert deepzoom.level_size(width, height, top) == (width, height)
    assert deepzoom.level_size(width, height, 0) == (1, 1)
    for level in range(1, top + 1):
        w, h = deepzoom.level_size(width, height, level)
        assert deepzoom.level_size(width, height, level - 1) == (math.ceil(w / 2), math.ceil(h / 2))


@pytest.mark.django_db
def test_storing_a_scan_makes_its_pyramid_and_the_page_offers_the_viewer(
    client, no_page_cache, django_capture_on_commit_callbacks
):
    from tests.factories import make_article, make_issue, make_page, rect_area

    with django_capture_on_commit_callbacks(execute=True):
        page = make_page(make_issue(), "A01", image=True)
    made = deepzoom.deep_zoom(page.image.name)
    assert (made.width, made.height) == (600, 900)
    make_article(page, hot_areas=rect_area(10, 10, 50, 20))
    html = client.get(page.get_absolute_url()).content.decode()
    assert f'data-deepzoom="{made.url}"' in html
    assert 'data-deepzoom-viewer="/static/vendor/openseadragon/openseadragon.min.js"' in html
    assert "/static/reader/deepzoom.js" in html


@pytest.mark.django_db
def test_a_scan_whose_transaction_does_not_commit_gets_no_pyramid(django_capture_on_commit_callbacks):
    from tests.factories import make_issue, make_page

    with django_capture_on_commit_callbacks(execute=False):
        page = make_page(make_issue(), "A01", image=True)
    assert deepzoom.deep_zoom(page.image.name) is None  # made only when the transaction commits


@pytest.mark.django_db
def test_the_command_makes_the_pyramids_of_scans_stored_before(client, no_page_cache):
    from django.core.management import call_command

    from tests.factories import make_issue, make_page

    issue = make_issue()
    pages = [make_page(issue, code, image=True) for code in ("A01", "A02")]  # on_commit never runs here
    html = client.get(pages[0].get_absolute_url()).content.decode()
    assert "data-deepzoom=" not in html and "deepzoom.js" not in html  # the plain scan and zoom.js only
    out = io.StringIO()
    call_command("make_deep_zoom", stdout=out)
    assert "新生成 2 个，已有 0 个，无法生成 0 个。" in out.getvalue()
    assert all(deepzoom.deep_zoom(p.image.name) for p in pages)
    assert 'data-deepzoom="' in client.get(pages[0].get_absolute_url()).content.decode()
    out = io.StringIO()
    call_command("make_deep_zoom", stdout=out)
    assert out.getvalue().strip() == "新生成 0 个，已有 2 个，无法生成 0 个。"
