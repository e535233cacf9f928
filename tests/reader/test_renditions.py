"""Page scans reach readers as resized renditions, made once, never the original."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from issues import renditions
from issues.models import Page
from tests.factories import make_issue, make_page, png_bytes
from unionpaper.renditions import FALLBACK_WIDTH, WIDTHS

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_scan_page(no_page_cache):
    page = make_page(make_issue(datetime.date(2023, 1, 1)), "A01")
    page.image.save("scan.png", ContentFile(png_bytes(2400, 3600, color=(240, 235, 220))), save=False)
    page.save()
    return page


def test_page_view_serves_jpeg_and_webp_renditions_never_the_original(client, big_scan_page):
    html = client.get(big_scan_page.get_absolute_url()).content.decode()
    assert big_scan_page.image.url not in html
    made = renditions.page_renditions(big_scan_page)
    ladder = [w for w in WIDTHS if w <= 2400]
    assert [r.width for r in made["jpg"]] == ladder and [r.width for r in made["webp"]] == ladder
    for fmt, ext in (("JPEG", "jpg"), ("WEBP", "webp")):
        for r in made[ext]:
            assert r.url in html
            with default_storage.open(r.name) as f, Image.open(io.BytesIO(f.read())) as img:
                assert img.format == fmt
                assert img.size == (r.width, r.height) == (r.width, r.width * 3 // 2)
    src = next(r for r in made["jpg"] if r.width == FALLBACK_WIDTH)
    assert f'src="{src.url}"' in html and 'width="800" height="1200"' in html and 'fetchpriority="high"' in html
    assert 'type="image/webp"' in html and "1600w" in html
    assert 'alt="2023年01月01日第A01版要闻版面图"' in html


def test_renditions_are_made_once_and_kept(client, big_scan_page, monkeypatch):
    calls = []
    real = renditions._render
    monkeypatch.setattr(renditions, "_render", lambda page, sizes: calls.append(set(sizes)) or real(page, sizes))
    url = big_scan_page.get_absolute_url()
    client.get(url)
    client.get(url)
    client.get("/")
    assert len(calls) == 1 and len(calls[0]) == 2 * len(WIDTHS)


def test_a_small_scan_is_not_enlarged(client, no_page_cache):
    page = make_page(make_issue(datetime.date(2023, 1, 2)), "A01", image=True)  # 600 x 900
    made = renditions.page_renditions(page)
    assert [(r.width, r.height) for r in made["jpg"]] == [(320, 480), (480, 720), (600, 900)]


def test_a_new_scan_gets_new_renditions(client, big_scan_page):
    before = renditions.page_renditions(big_scan_page)["jpg"][-1].name
    big_scan_page.image.save("scan.png", ContentFile(png_bytes(1600, 2400)), save=False)
    big_scan_page.save()
    after = renditions.page_renditions(big_scan_page)["jpg"][-1]
    assert after.name != before and (after.width, after.height) == (1600, 2400)


def test_a_page_without_scan_says_so(client, no_page_cache):
    page = make_page(make_issue(datetime.date(2023, 1, 3)), "A01", pdf=True)
    # A PDF gives its page a scan; a page whose scan is gone still offers the PDF.
    Page.objects.filter(pk=page.pk).update(image="", thumbnail="")
    html = client.get(page.get_absolute_url()).content.decode()
    assert "本版暂无版面图" in html and "下载本版 PDF" in html
