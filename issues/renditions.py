"""Resized renditions of page scans for reading on screens.

A page scan is several megabytes; a phone gets a JPEG or WebP from a ladder
of widths (320 to 1,600 pixels, the one ladder of unionpaper.renditions)
close to the pixels its screen needs instead. Each rendition
is made once, on the first request that needs it, and kept in media storage
under a name derived from the scan's own stored name. Stored scan names are
generated and never reused (unionpaper/uploads.py), so a rendition's name
never needs to change and may be cached for a year.

For the same reason, once every rendition of a scan is known to exist, that
stays true: Django's cache remembers them (names and sizes) without timeout,
under a key hashed from the scan's name (names may be long or non-ASCII),
and page views then ask storage nothing (each ``exists()`` is a stat on
disk, an HTTP request to object storage). An empty or unreachable cache
costs those checks again, never a rendition made twice.

A scan missing from storage (media not synced to a new server, a file
deleted by hand) or unreadable must not take its page down: the renditions
already made are still returned, those that cannot be made are left out, and
a warning names the scan. The page's ``<img>`` needs a JPEG, so without any
JPEG rendition the page shows no scan at all.
"""

import hashlib
import io
import logging
import posixpath

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from unionpaper import renditions as ladder
from unionpaper.renditions import UNREADABLE, Rendition
from unionpaper.uploads import image_format

logger = logging.getLogger(__name__)

# The same width ladder as every other image (unionpaper.renditions.WIDTHS): a 2x or 3x phone gets
# within about 20 % of the pixels it needs for a full-width scan; the widest serves a 2x desktop column.
WIDTHS = ladder.WIDTHS
READING_WIDTH = max(WIDTHS)
# The encoder options of each rendition, by extension (unionpaper.uploads.image_format names the format).
FORMATS = {
    "jpg": {"quality": 82, "optimize": True, "progressive": True},
    "webp": {"quality": 80, "method": 4},
}
PREFIX = "renditions/pages"
CACHE_PREFIX = "unionpaper:renditions"


def rendition_name(source_name: str, width: int, ext: str) -> str:
    """Return the storage name of the ``width``-pixel ``ext`` rendition of ``source_name``."""
    stem = posixpath.splitext(source_name)[0].replace("/", "-")
    return f"{PREFIX}/{stem}-w{width}.{ext}"


def _target_size(width: int, height: int, wanted: int) -> tuple[int, int]:
    if width <= wanted:
        return width, height
    return wanted, max(1, round(height * wanted / width))


def _source_size(page) -> tuple[int, int]:
    if page.image_width and page.image_height:
        return page.image_width, page.image_height
    # Rows saved without their dimensions: read them from the file's header.
    with page.image.open("rb") as file, Image.open(file) as img:
        return img.size


def _render(page, sizes: dict) -> dict:
    """Return ``{name: bytes}`` for the renditions in ``sizes`` (name -> (width, height, ext)), widest first."""
    out = {}
    with page.image.open("rb") as file, Image.open(file) as img:
        img.draft("RGB", (READING_WIDTH, READING_WIDTH * 4))  # lets JPEG decode at a reduced scale
        img = img.convert("RGB")
        for name, (width, height, ext) in sorted(sizes.items(), key=lambda item: -item[1][0]):
            if img.size != (width, height):
                # Each width starts from the one above: the full scan is resized once, not once per file.
                img = img.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
            fmt, _mime = image_format(ext)
            buffer = io.BytesIO()
            img.save(buffer, fmt, **FORMATS[ext])
            out[name] = buffer.getvalue()
    return out


def _cache_key(source_name: str) -> str:
    # WIDTHS and FORMATS are part of the key: a release that changes them checks the new set.
    scheme = f"{source_name}\n{WIDTHS}\n{sorted(FORMATS)}"
    return f"{CACHE_PREFIX}:{hashlib.sha256(scheme.encode()).hexdigest()}"


def _remember(key: str, planned: dict) -> None:
    try:
        cache.set(key, planned, timeout=None)
    except Exception as exc:  # the cache backend's own connection errors
        logger.warning(
            "Rendition cache unavailable (%s: %s); storage is asked again next time", type(exc).__name__, exc
        )


def _plan(page) -> dict[str, list[tuple[str, int, int]]]:
    """Return ``{ext: [(name, width, height), ...]}``, smallest first, for the page's scan."""
    source_width, source_height = _source_size(page)
    planned = {}
    for ext in FORMATS:
        seen = set()
        for wanted in WIDTHS:
            width, height = _target_size(source_width, source_height, wanted)
            if width in seen:
                continue
            seen.add(width)
            planned.setdefault(ext, []).append((rendition_name(page.image.name, width, ext), width, height))
    return planned


def _make(page, missing: dict, storage) -> None:
    if not missing:
        return
    for name, data in _render(page, missing).items():
        saved = storage.save(name, ContentFile(data))
        if saved != name:
            # Another request made it meanwhile: keep theirs, drop ours.
            storage.delete(saved)


def page_renditions(page, *, storage=default_storage) -> dict[str, list[Rendition]]:
    """Return ``{"webp": [...], "jpg": [...]}`` renditions of the page's scan, smallest first.

    Missing ones are made now and kept; existing ones are never made again.
    Returns an empty dict when the page has no scan, or no JPEG rendition
    can be had (see the module docstring).
    """
    if not page.image:
        return {}
    key = _cache_key(page.image.name)
    planned = ladder.remembered(key)  # the plan of a scan whose renditions all exist
    if planned is None:
        try:
            planned = _plan(page)
        except UNREADABLE as exc:
            logger.warning(
                "Page scan %r cannot be read (%s: %s); the page is shown without it",
                page.image.name,
                type(exc).__name__,
                exc,
            )
            return {}
        missing = {
            name: (w, h, ext) for ext, items in planned.items() for name, w, h in items if not storage.exists(name)
        }
        try:
            _make(page, missing, storage)
        except UNREADABLE as exc:
            logger.warning(
                "Renditions of page scan %r cannot be made (%s: %s); the page is shown without them",
                page.image.name,
                type(exc).__name__,
                exc,
            )
            planned = {
                ext: kept
                for ext, items in planned.items()
                if (kept := [item for item in items if item[0] not in missing])
            }
        else:
            _remember(key, planned)
    if "jpg" not in planned:
        return {}
    return {
        ext: [Rendition(name, storage.url(name), w, h, image_format(ext)[1]) for name, w, h in items]
        for ext, items in planned.items()
    }
