"""Width ladders of stored images for ``srcset``, and share images.

A photo uploaded to an article may be a 6,000 pixel, 20 MB camera JPEG; a
phone needs about as many pixels as it shows. Each image gets a ladder of
widths in WebP and JPEG, close enough together that a phone at 2x or 3x
picks a file within about 20 % of the pixels it needs (see ``WIDTHS``), never
wider than the original. A share image (OpenGraph, ``twitter:card``) is at
least 1,200 pixels wide: the lead photo, or a crop of the page scan around an
article's hot area.

Everything is made once and kept in the same storage as its source, under a
name derived from the source's stored name. Stored upload names are
generated and never reused (unionpaper/uploads.py), so a derived name never
needs to change and may be cached for a year. Once every file of a ladder is
known to exist, Django's cache remembers it without timeout, so a page view
asks storage nothing; an empty or unreachable cache costs those checks
again, never a file made twice.

A source missing from storage or unreadable must not take its page down: the
files already made are still returned, those that cannot be made are left
out, and a warning names the source.
"""

import hashlib
import io
import logging
import posixpath
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from unionpaper.uploads import image_format

logger = logging.getLogger(__name__)

# Widths a phone or desktop asks for, with each step at most about 20 % above
# the one before where phones land: a 360-412 CSS px phone shows a photo at
# about 330-380 px (656-760 px at 2x, 984-1140 px at 3x) and a scan at
# 360-412 px (720-824 px at 2x, 1080-1236 px at 3x); a desktop column of
# 44rem is 704 px (1408 px at 2x).
WIDTHS = (320, 480, 640, 720, 800, 960, 1080, 1280, 1440, 1600)
# The ``src`` of an ``<img>`` for browsers without ``srcset`` (and crawlers).
FALLBACK_WIDTH = 800
SHARE_WIDTH = 1200
# OpenGraph's and summary_large_image's preferred shape, 1.91:1.
SHARE_HEIGHT = 628
# The encoder options of each format, by extension (unionpaper.uploads.image_format names the format).
FORMATS = {
    "webp": {"quality": 78, "method": 4},
    "jpg": {"quality": 80, "optimize": True, "progressive": True},
}
PREFIX = "renditions"
CACHE_PREFIX = "unionpaper:ladder"
# Missing (FileNotFoundError), not an image (UnidentifiedImageError), truncated, or too large to decode safely.
UNREADABLE = (OSError, Image.DecompressionBombError)
# EXIF orientations that turn the picture by a quarter: width and height swap.
TRANSPOSED = {5, 6, 7, 8}


@dataclass(frozen=True)
class Rendition:
    name: str
    url: str
    width: int
    height: int
    mime: str


@dataclass(frozen=True)
class Ladder:
    """The renditions of one image, each format smallest first."""

    renditions: dict[str, list[Rendition]] = field(default_factory=dict)

    def __bool__(self):
        return "jpg" in self.renditions

    @property
    def webp(self) -> list[Rendition]:
        return self.renditions.get("webp", [])

    @property
    def jpg(self) -> list[Rendition]:
        return self.renditions.get("jpg", [])

    def srcset(self, ext: str) -> str:
        """Return ``"url 320w, url 480w, …"`` for the ``ext`` renditions."""
        return ", ".join(f"{r.url} {r.width}w" for r in self.renditions.get(ext, []))

    @property
    def webp_srcset(self) -> str:
        return self.srcset("webp")

    @property
    def jpg_srcset(self) -> str:
        return self.srcset("jpg")

    @property
    def fallback(self) -> Rendition | None:
        """Return the JPEG for ``src``: the widest one not over ``FALLBACK_WIDTH``."""
        fitting = [r for r in self.jpg if r.width <= FALLBACK_WIDTH]
        return (fitting or self.jpg or [None])[-1]

    def pick(self, css_width: float, dpr: float, ext: str = "webp") -> Rendition | None:
        """Return the rendition a browser takes for a slot ``css_width`` px wide at ``dpr``.

        As browsers do: the narrowest at least as wide as needed, else the widest.
        """
        items = self.renditions.get(ext, [])
        needed = css_width * dpr
        return next((r for r in items if r.width >= needed), items[-1] if items else None)


def _stem(source_name: str) -> str:
    return posixpath.splitext(source_name)[0].replace("/", "-")


def rendition_name(source_name: str, width: int, ext: str) -> str:
    """Return the storage name of the ``width``-pixel ``ext`` rendition of ``source_name``."""
    return f"{PREFIX}/{_stem(source_name)}-w{width}.{ext}"


def share_name(source_name: str, crop: tuple[float, float, float, float] | None = None) -> str:
    """Return the storage name of the share image of ``source_name`` (cropped to ``crop`` if given)."""
    if crop is None:
        return f"{PREFIX}/share/{_stem(source_name)}.jpg"
    key = ",".join(f"{v:.4f}" for v in crop)
    return f"{PREFIX}/share/{_stem(source_name)}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.jpg"


def _oriented_size(img) -> tuple[int, int]:
    width, height = img.size
    if img.getexif().get(0x0112) in TRANSPOSED:
        return height, width
    return width, height


def _open_rgb(file, *, reduce_to: int | None = None):
    """Return the image in ``file`` upright and in RGB (transparency on white)."""
    img = Image.open(file)
    if reduce_to:
        img.draft("RGB", (reduce_to, reduce_to))  # JPEG decodes at a reduced scale, still at least this big
    img = ImageOps.exif_transpose(img)
    if img.mode in ("RGBA", "LA", "P", "PA"):
        img = img.convert("RGBA")
        flat = Image.new("RGB", img.size, "white")
        flat.paste(img, mask=img.getchannel("A"))
        return flat
    return img.convert("RGB")


def _encode(img, ext: str) -> bytes:
    fmt, _mime = image_format(ext)
    buffer = io.BytesIO()
    img.save(buffer, fmt, **FORMATS[ext])
    return buffer.getvalue()


def _save_once(storage, name: str, data: bytes) -> None:
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        # Another process made it meanwhile: keep theirs, drop ours.
        storage.delete(saved)


def remembered(key: str):
    """Return what the cache holds under ``key``, or ``None`` when it holds nothing or does not answer."""
    try:
        return cache.get(key)
    except Exception as exc:  # the cache backend's own connection errors
        logger.warning("Rendition cache unavailable (%s: %s); asking storage", type(exc).__name__, exc)
        return None


def _cache_set(key: str, value) -> None:
    try:
        cache.set(key, value, timeout=None)
    except Exception as exc:  # the cache backend's own connection errors
        logger.warning("Rendition cache unavailable (%s: %s); storage is asked next time", type(exc).__name__, exc)


def _plan(source_size: tuple[int, int], source_name: str, widths) -> dict[str, list[tuple[str, int, int]]]:
    source_width, source_height = source_size
    planned = {}
    for ext in FORMATS:
        for width in sorted({min(w, source_width) for w in widths}):
            height = max(1, round(source_height * width / source_width))
            planned.setdefault(ext, []).append((rendition_name(source_name, width, ext), width, height))
    return planned


def _render(storage, source_name: str, missing: dict) -> dict[str, bytes]:
    """Return ``{name: bytes}`` for ``missing`` (name -> (width, height, ext)), widest first."""
    widest = max(width for width, _h, _e in missing.values())
    out = {}
    with storage.open(source_name, "rb") as file:
        img = _open_rgb(file, reduce_to=widest)
        for name, (width, height, ext) in sorted(missing.items(), key=lambda item: -item[1][0]):
            if img.size != (width, height):
                # Each step starts from the one above: a 6,000 px photo is decoded once.
                img = img.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
            out[name] = _encode(img, ext)
    return out


def image_ladder(source_name: str, *, storage=default_storage, widths=WIDTHS) -> Ladder:
    """Return the ladder of renditions of the stored image ``source_name``.

    Missing renditions are made now and kept; existing ones are never made
    again. Returns an empty (false) ladder when there is no source or no
    JPEG rendition can be had (see the module docstring).
    """
    if not source_name:
        return Ladder()
    # The widths and formats are part of the key: a release that changes them checks the new set.
    scheme = f"{source_name}\n{widths}\n{sorted(FORMATS)}"
    key = f"{CACHE_PREFIX}:{hashlib.sha256(scheme.encode()).hexdigest()}"
    planned = remembered(key)
    if planned is None:
        try:
            with storage.open(source_name, "rb") as file, Image.open(file) as img:
                planned = _plan(_oriented_size(img), source_name, widths)
        except UNREADABLE as exc:
            logger.warning("Image %r cannot be read (%s: %s); shown without it", source_name, type(exc).__name__, exc)
            return Ladder()
        missing = {
            name: (w, h, ext) for ext, items in planned.items() for name, w, h in items if not storage.exists(name)
        }
        try:
            if missing:
                for name, data in _render(storage, source_name, missing).items():
                    _save_once(storage, name, data)
        except UNREADABLE as exc:
            logger.warning(
                "Renditions of %r cannot be made (%s: %s); shown without them", source_name, type(exc).__name__, exc
            )
            planned = {
                ext: kept for ext, items in planned.items() if (kept := [i for i in items if i[0] not in missing])
            }
        else:
            _cache_set(key, planned)
    return Ladder(
        {
            ext: [Rendition(name, storage.url(name), w, h, image_format(ext)[1]) for name, w, h in items]
            for ext, items in planned.items()
        }
    )


def share_crop_box(
    size: tuple[int, int], area: tuple[float, float, float, float], ratio: float = SHARE_WIDTH / SHARE_HEIGHT
) -> tuple[int, int, int, int]:
    """Return the pixel box (left, top, right, bottom) of a share card around ``area``.

    ``area`` is (left, top, width, height) as fractions of the image. The box
    has the card's shape, is as wide as the area and at least as wide as the
    card where the scan allows (so the card is not upscaled): a wide block
    gets room above and below around its middle, a tall column keeps its top
    (the headline) and is cut below. The box stays inside the image.
    """
    width, height = size
    left, top, w, h = (max(0.0, min(1.0, v)) for v in area)
    ax, ay, aw, ah = left * width, top * height, max(1.0, w * width), max(1.0, h * height)
    # As wide as the area, and at least as wide as the card where the scan allows (no upscaling then).
    box_w = min(float(width), max(aw, float(SHARE_WIDTH)))
    box_h = box_w / ratio
    if box_h > height:
        box_h = float(height)
        box_w = box_h * ratio
    x0 = ax + aw / 2 - box_w / 2
    y0 = ay + ah / 2 - box_h / 2 if box_h >= ah else ay
    x0 = min(max(0.0, x0), width - box_w)
    y0 = min(max(0.0, y0), height - box_h)
    return round(x0), round(y0), round(x0 + box_w), round(y0 + box_h)


def share_image(
    source_name: str,
    *,
    crop: tuple[float, float, float, float] | None = None,
    storage=default_storage,
) -> Rendition | None:
    """Return the share image (JPEG, ``SHARE_WIDTH`` px wide) of a stored image, making it once.

    Without ``crop`` the whole picture is scaled to the width (a photo keeps
    its shape); with ``crop`` (left, top, width, height as fractions, an
    article's hot area on its page scan) the card-shaped box of
    ``share_crop_box`` is cut out first. Returns ``None`` when the source
    cannot be read.
    """
    if not source_name:
        return None
    name = share_name(source_name, crop)
    key = f"{CACHE_PREFIX}:share:{hashlib.sha256(name.encode()).hexdigest()}"
    size = remembered(key)
    if size is None:
        try:
            if storage.exists(name):
                with storage.open(name, "rb") as file, Image.open(file) as img:
                    size = img.size
            else:
                with storage.open(source_name, "rb") as file:
                    img = _open_rgb(file)
                    if crop is not None:
                        img = img.crop(share_crop_box(img.size, crop))
                    size = (SHARE_WIDTH, max(1, round(img.height * SHARE_WIDTH / img.width)))
                    _save_once(storage, name, _encode(img.resize(size, Image.Resampling.LANCZOS), "jpg"))
        except UNREADABLE as exc:
            logger.warning(
                "Share image of %r cannot be made (%s: %s); none is offered", source_name, type(exc).__name__, exc
            )
            return None
        _cache_set(key, size)
    return Rendition(name, storage.url(name), size[0], size[1], "image/jpeg")
