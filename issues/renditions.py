"""Resized renditions of page scans for reading on screens.

A page scan is several megabytes; a phone gets a JPEG or WebP about 1,200
pixels wide (and a 600 pixel one for small screens) instead. Each rendition
is made once, on the first request that needs it, and kept in media storage
under a name derived from the scan's own stored name. Stored scan names are
generated and never reused (unionpaper/uploads.py), so a rendition's name
never needs to change and may be cached for a year.
"""
import io
import posixpath
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

READING_WIDTH = 1200
WIDTHS = (600, READING_WIDTH)
FORMATS = {"jpg": ("JPEG", "image/jpeg", {"quality": 82, "optimize": True, "progressive": True}),
           "webp": ("WEBP", "image/webp", {"quality": 80, "method": 4})}
PREFIX = "renditions/pages"


@dataclass(frozen=True)
class Rendition:
    name: str
    url: str
    width: int
    height: int
    mime: str


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
    """Return ``{name: bytes}`` for the renditions in ``sizes`` (name -> (width, height, ext))."""
    out = {}
    with page.image.open("rb") as file, Image.open(file) as img:
        img.draft("RGB", (READING_WIDTH, READING_WIDTH * 4))  # lets JPEG decode at a reduced scale
        img = img.convert("RGB")
        for name, (width, height, ext) in sizes.items():
            fmt, _mime, options = FORMATS[ext]
            buffer = io.BytesIO()
            img.resize((width, height), Image.Resampling.LANCZOS).save(buffer, fmt, **options)
            out[name] = buffer.getvalue()
    return out


def page_renditions(page, *, storage=default_storage) -> dict[str, list[Rendition]]:
    """Return ``{"webp": [...], "jpg": [...]}`` renditions of the page's scan, smallest first.

    Missing ones are made now and kept; existing ones are never made again.
    Returns an empty dict when the page has no scan.
    """
    if not page.image:
        return {}
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
    missing = {name: (w, h, ext) for ext, items in planned.items() for name, w, h in items if not storage.exists(name)}
    if missing:
        for name, data in _render(page, missing).items():
            saved = storage.save(name, ContentFile(data))
            if saved != name:
                # Another request made it meanwhile: keep theirs, drop ours.
                storage.delete(saved)
    return {
        ext: [Rendition(name, storage.url(name), w, h, FORMATS[ext][1]) for name, w, h in items]
        for ext, items in planned.items()
    }
