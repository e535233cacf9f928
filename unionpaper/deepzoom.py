"""Deep Zoom (DZI) pyramids of page scans, for a viewer that zooms to the scan's full resolution.

A pyramid is the Deep Zoom layout OpenSeadragon reads: ``<name>.dzi``, an
XML file giving the full size, tile size, overlap and format, beside
``<name>_files/<level>/<column>_<row>.<ext>``. Level ``max_level`` is the
scan at full size, each level below half the one above (rounded up), level 0
a single pixel. Tiles are ``TILE_SIZE`` pixels square plus ``OVERLAP`` pixels
shared with each neighbour, so 254 + 1 + 1 = 256 inside the pyramid.

A pyramid is made once, when its scan is stored (or by a command for scans
stored before), never on a reader's request: a 4,000 x 6,000 scan has about
500 tiles. Its ``.dzi`` is written last, so a pyramid whose ``.dzi`` exists
is complete; a run that stopped midway is finished by the next one, which
keeps the tiles already there. Names derive from the scan's stored name,
which is generated and never reused, so tiles may be cached for a year.
"""

import hashlib
import io
import logging
import math
import posixpath
from dataclasses import dataclass
from xml.etree import ElementTree

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from unionpaper.renditions import UNREADABLE
from unionpaper.uploads import image_format

logger = logging.getLogger(__name__)

TILE_SIZE = 254
OVERLAP = 1
# The encoder options of each tile format, by extension (unionpaper.uploads.image_format names the format).
FORMATS = {
    "jpg": {"quality": 80, "optimize": True},
    "webp": {"quality": 78, "method": 4},
}
PREFIX = "deepzoom"
NAMESPACE = "http://schemas.microsoft.com/deepzoom/2008"
CACHE_PREFIX = "unionpaper:deepzoom"
# What the cache holds for a scan with no pyramid yet, and for how long: a pyramid made
# elsewhere (the command on another server) shows within this time.
ABSENT = "absent"
ABSENT_SECONDS = 600


@dataclass(frozen=True)
class DeepZoom:
    """A stored pyramid: the ``.dzi`` URL to give the viewer, and the full size."""

    name: str
    url: str
    width: int
    height: int


def dzi_name(source_name: str, ext: str = "jpg") -> str:
    """Return the storage name of the ``.dzi`` of ``source_name``; its tiles are under ``<stem>_files/``."""
    stem = posixpath.splitext(source_name)[0].replace("/", "-")
    return f"{PREFIX}/{stem}-{ext}.dzi"


def tiles_folder(dzi: str) -> str:
    return dzi[: -len(".dzi")] + "_files"


def max_level(width: int, height: int) -> int:
    """Return the level at which the image has its full size (level 0 is 1 x 1)."""
    return math.ceil(math.log2(max(width, height, 1)))


def level_size(width: int, height: int, level: int) -> tuple[int, int]:
    scale = 2 ** (max_level(width, height) - level)
    return max(1, math.ceil(width / scale)), max(1, math.ceil(height / scale))


def tile_grid(width: int, height: int, level: int, tile_size: int = TILE_SIZE) -> tuple[int, int]:
    """Return (columns, rows) of tiles at ``level``."""
    w, h = level_size(width, height, level)
    return math.ceil(w / tile_size), math.ceil(h / tile_size)


def tile_box(level_w: int, level_h: int, column: int, row: int, tile_size=TILE_SIZE, overlap=OVERLAP):
    """Return the pixel box (left, top, right, bottom) of a tile within its level, overlap included."""
    left = column * tile_size - (overlap if column else 0)
    top = row * tile_size - (overlap if row else 0)
    right = min(level_w, (column + 1) * tile_size + overlap)
    bottom = min(level_h, (row + 1) * tile_size + overlap)
    return left, top, right, bottom


def dzi_xml(width: int, height: int, ext: str, tile_size: int = TILE_SIZE, overlap: int = OVERLAP) -> bytes:
    image = ElementTree.Element(
        "Image", {"xmlns": NAMESPACE, "Format": ext, "Overlap": str(overlap), "TileSize": str(tile_size)}
    )
    ElementTree.SubElement(image, "Size", {"Width": str(width), "Height": str(height)})
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(image) + b"\n"


def _cache_key(name: str) -> str:
    return f"{CACHE_PREFIX}:{hashlib.sha256(name.encode()).hexdigest()}"


def _read_dzi(storage, name: str) -> tuple[int, int]:
    with storage.open(name, "rb") as file:
        size = ElementTree.parse(file).getroot().find(f"{{{NAMESPACE}}}Size")
    return int(size.get("Width")), int(size.get("Height"))


def _save_once(storage, name: str, data: bytes) -> None:
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        storage.delete(saved)  # another process made it meanwhile


def make_deep_zoom(source_name: str, *, storage=default_storage, ext: str = "jpg") -> DeepZoom | None:
    """Make (or finish) the pyramid of the stored scan ``source_name`` and return it.

    Tiles already stored are kept; the ``.dzi`` is written last. Returns
    ``None``, with a warning naming the scan, when the scan cannot be read.
    """
    name = dzi_name(source_name, ext)
    if storage.exists(name):
        width, height = _read_dzi(storage, name)
        return DeepZoom(name, storage.url(name), width, height)
    fmt, options = image_format(ext)[0], FORMATS[ext]
    folder = tiles_folder(name)
    try:
        with storage.open(source_name, "rb") as file, Image.open(file) as opened:
            img = opened.convert("RGB")
    except UNREADABLE as exc:
        logger.warning("Scan %r cannot be read (%s: %s); no deep zoom for it", source_name, type(exc).__name__, exc)
        return None
    width, height = img.size
    top = max_level(width, height)
    level_img = img
    for level in range(top, -1, -1):
        size = level_size(width, height, level)
        if level_img.size != size:
            # Each level halves the one above: the full scan is resized once, not once per level.
            level_img = level_img.resize(size, Image.Resampling.LANCZOS)
        columns, rows = tile_grid(width, height, level)
        for column in range(columns):
            for row in range(rows):
                tile = f"{folder}/{level}/{column}_{row}.{ext}"
                if storage.exists(tile):
                    continue
                buffer = io.BytesIO()
                level_img.crop(tile_box(*size, column, row)).save(buffer, fmt, **options)
                _save_once(storage, tile, buffer.getvalue())
    _save_once(storage, name, dzi_xml(width, height, ext))
    _remember(name, (width, height), timeout=None)
    return DeepZoom(name, storage.url(name), width, height)


def _remember(name: str, value, *, timeout) -> None:
    try:
        cache.set(_cache_key(name), value, timeout=timeout)
    except Exception as exc:  # the cache backend's own connection errors
        logger.warning("Deep zoom cache unavailable (%s: %s)", type(exc).__name__, exc)


def deep_zoom(source_name: str, *, storage=default_storage, ext: str = "jpg") -> DeepZoom | None:
    """Return the stored pyramid of ``source_name``, or ``None`` while it is not made; never make one.

    For page views: once a pyramid is found, the cache remembers it without
    timeout and storage is not asked again; that there is none yet is
    remembered for ``ABSENT_SECONDS`` (``make_deep_zoom`` replaces that at
    once with the pyramid it made).
    """
    if not source_name:
        return None
    name = dzi_name(source_name, ext)
    try:
        size = cache.get(_cache_key(name))
    except Exception as exc:  # the cache backend's own connection errors
        logger.warning("Deep zoom cache unavailable (%s: %s); asking storage", type(exc).__name__, exc)
        size = None
    if size is None:
        if not storage.exists(name):
            _remember(name, ABSENT, timeout=ABSENT_SECONDS)
            return None
        try:
            size = _read_dzi(storage, name)
        except (OSError, ElementTree.ParseError) as exc:
            logger.warning("Deep zoom %r cannot be read (%s: %s)", name, type(exc).__name__, exc)
            return None
        _remember(name, size, timeout=None)
    if size == ABSENT:
        return None
    return DeepZoom(name, storage.url(name), *size)
