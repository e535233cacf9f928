"""Renditions against media storage as it really is: scans gone or broken, and storage asked once."""

import logging
import warnings
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage

from issues import renditions
from tests.factories import png_bytes
from tests.reader.builders import DAY, build_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(no_page_cache):
    """A public page with a 600 × 900 scan and two articles."""
    return build_issue(DAY, pages=1).pages.get()


@pytest.fixture
def exists_calls(monkeypatch):
    """Every name media storage is asked ``exists()`` about."""
    calls = []
    real = FileSystemStorage.exists
    monkeypatch.setattr(FileSystemStorage, "exists", lambda storage, name: calls.append(name) or real(storage, name))
    return calls


@pytest.fixture
def render_calls(monkeypatch):
    """The renditions each call of ``_render`` makes."""
    calls = []
    real = renditions._render
    monkeypatch.setattr(renditions, "_render", lambda page, sizes: calls.append(set(sizes)) or real(page, sizes))
    return calls


def warnings_about(caplog, page):
    return [r for r in caplog.records if r.name == "issues.renditions" and page.image.name in r.getMessage()]


def assert_page_shown_without_scan(client, page):
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "01月01日第1版第1篇" in html and "01月01日第1版第2篇" in html
    assert "本版暂无版面图" in html and "下载本版 PDF" in html
    return html


# --- A scan missing from storage, or not an image -----------------------------------------------


def test_a_page_whose_scan_is_gone_is_shown_without_it(client, page, caplog):
    default_storage.delete(page.image.name)
    caplog.set_level(logging.WARNING, logger="issues.renditions")
    assert_page_shown_without_scan(client, page)
    [warning] = warnings_about(caplog, page)
    assert warning.levelno == logging.WARNING and "FileNotFoundError" in warning.getMessage()


def test_a_scan_gone_before_its_size_was_known_gives_no_renditions(page, caplog):
    # Through the view, Django's ImageField itself measures such a row on load;
    # page_renditions must cope all the same.
    default_storage.delete(page.image.name)
    page.image_width = page.image_height = None
    caplog.set_level(logging.WARNING, logger="issues.renditions")
    assert renditions.page_renditions(page) == {}
    assert len(warnings_about(caplog, page)) == 1


@pytest.mark.parametrize(
    "content",
    [b"\x00garbage, not an image" * 50, png_bytes(600, 900, color=(10, 20, 30), fmt="JPEG")[:200]],
    ids=["garbage", "truncated"],
)
def test_a_page_whose_scan_is_unreadable_is_shown_without_it(client, page, caplog, content):
    Path(default_storage.path(page.image.name)).write_bytes(content)
    caplog.set_level(logging.WARNING, logger="issues.renditions")
    assert_page_shown_without_scan(client, page)
    assert len(warnings_about(caplog, page)) == 1
    # Nothing half-made was kept or remembered: a good scan back in place is rendered at once.
    Path(default_storage.path(page.image.name)).write_bytes(png_bytes(600, 900))
    assert "本版暂无版面图" not in client.get(page.get_absolute_url()).content.decode()


def test_renditions_made_before_the_scan_went_missing_are_still_shown(client, page, caplog, render_calls):
    made = renditions.page_renditions(page)
    gone = made["webp"][0]
    default_storage.delete(page.image.name)
    default_storage.delete(gone.name)
    cache.clear()  # a new app server, say: nothing remembered
    caplog.set_level(logging.WARNING, logger="issues.renditions")
    response = client.get(page.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200 and "01月01日第1版第1篇" in html
    assert made["jpg"][0].url in html and gone.url not in html
    assert len(warnings_about(caplog, page)) == 1
    assert render_calls[-1] == {gone.name}  # only the missing one was tried again


def test_without_a_jpeg_rendition_no_scan_is_shown(client, page):
    made = renditions.page_renditions(page)
    default_storage.delete(page.image.name)
    for gone in made["jpg"]:
        default_storage.delete(gone.name)
    cache.clear()
    html = assert_page_shown_without_scan(client, page)
    assert made["webp"][0].url not in html


def test_without_webp_renditions_the_page_offers_no_empty_webp_source(client, page):
    made = renditions.page_renditions(page)
    default_storage.delete(page.image.name)
    for gone in made["webp"]:
        default_storage.delete(gone.name)
    cache.clear()
    html = client.get(page.get_absolute_url()).content.decode()
    scan = html.split('<figure class="scan"', 1)[1].split("</figure>", 1)[0]
    assert made["jpg"][-1].url in scan
    assert 'type="image/webp"' not in scan and 'srcset=""' not in html


# --- Storage asked once per scan ------------------------------------------------------------------


def rendition_checks(calls):
    return [name for name in calls if name.startswith(renditions.PREFIX + "/")]


def test_once_made_renditions_are_never_checked_again(client, page, exists_calls, render_calls):
    url = page.get_absolute_url()
    first = client.get(url).content.decode()
    assert len(render_calls) == 1 and len(render_calls[0]) == 6  # 600 × 900: 320, 480 and 600 px, two formats
    assert set(rendition_checks(exists_calls)) == render_calls[0]
    exists_calls.clear()
    second = client.get(url).content.decode()
    assert exists_calls == [] and len(render_calls) == 1
    assert second == first


def test_a_cleared_cache_costs_the_checks_again_never_the_files(client, page, exists_calls, render_calls):
    url = page.get_absolute_url()
    client.get(url)
    made = renditions.page_renditions(page)
    stamps = {r.name: default_storage.get_modified_time(r.name) for items in made.values() for r in items}
    cache.clear()
    exists_calls.clear()
    assert "本版暂无版面图" not in client.get(url).content.decode()
    assert sorted(rendition_checks(exists_calls)) == sorted(stamps) and len(render_calls) == 1
    assert {name: default_storage.get_modified_time(name) for name in stamps} == stamps
    exists_calls.clear()
    client.get(url)
    assert exists_calls == []


class UnreachableCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

        return fail


def test_an_unreachable_cache_only_costs_the_checks(client, page, monkeypatch, exists_calls, render_calls, caplog):
    monkeypatch.setattr(renditions, "cache", UnreachableCache())
    url = page.get_absolute_url()
    for _ in range(2):
        exists_calls.clear()
        response = client.get(url)
        assert response.status_code == 200 and "本版暂无版面图" not in response.content.decode()
    assert len(rendition_checks(exists_calls)) == 6 and len(render_calls) == 1
    assert any("Rendition cache unavailable" in r.getMessage() for r in caplog.records)


def test_cache_keys_are_short_ascii_whatever_the_scan_name():
    long_name = "pages/2023/01/" + "职工书屋 开进车间" * 40 + ".png"
    keys = {renditions._cache_key(name) for name in (long_name, long_name + "x", "pages/a.png")}
    assert len(keys) == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # CacheKeyWarning: not portable to memcached
        for key in keys:
            cache.validate_key(cache.make_key(key))
            assert key.isascii() and len(key) < 200
