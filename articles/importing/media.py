"""Import the page scans and PDFs of issue folders (``2023-01-01/A01.jpg``, ``2023-01-01/A01.pdf``)."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
from pathlib import Path

from django.core.files.base import File

from issues.models import normalize_page_code, page_sort_key, validate_page_code
from unionpaper.uploads import IMAGE_FORMATS, inspect_image, validate_pdf_upload

from .parser import date_out_of_range
from .places import Places
from .results import CREATED, UNCHANGED, UPDATED, ImportFailure, Row

SCAN_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff"}
PDF_SUFFIXES = {".pdf"}
MEDIA_SUFFIXES = SCAN_SUFFIXES | PDF_SUFFIXES
_DATE_FOLDER = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# What makes a scan's or PDF's file name a page code at all (others are skipped);
# issues.models.validate_page_code then says whether it is an acceptable one.
_PAGE_CODE = re.compile(r"^[A-Z]*\d+[A-Z]*$")


class NotAPageFile(Exception):
    """A scan or PDF outside an issue folder, or not named by its page code: skipped, not failed."""

    message = "扫描图和 PDF 应放在 <YYYY-MM-DD>/ 期文件夹中，以版次命名（如 2023-01-01/A01.jpg），未处理"


def folder_date(path: Path) -> datetime.date | None:
    """Return the date of an issue folder ``<YYYY-MM-DD>/`` holding ``path``, if it is one."""
    m = _DATE_FOLDER.match(path.parent.name)
    if not m:
        return None
    try:
        return datetime.date(*map(int, m.groups()))
    except ValueError:
        return None


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_sha256(fieldfile) -> str | None:
    """Return the sha256 of a stored file, or None when it cannot be read."""
    try:
        with fieldfile.storage.open(fieldfile.name, "rb") as fh:
            digest = hashlib.sha256()
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
            return digest.hexdigest()
    except OSError:
        return None


class PageFiles:
    """Store scans and PDFs on their pages; each page takes one scan and one PDF per run."""

    def __init__(self, places: Places, *, dry_run: bool):
        self.places = places
        self.dry_run = dry_run
        self._seen: dict[tuple[datetime.date, str, str], Path] = {}

    def import_file(self, path: Path) -> list[Row]:
        """Check and store one scan or PDF; raise NotAPageFile, ImportFailure or ValidationError."""
        date = folder_date(path)
        code = normalize_page_code(path.stem)
        if date is None or not _PAGE_CODE.match(code):
            raise NotAPageFile(path)
        if reason := date_out_of_range(date, path.parent.name):
            raise ImportFailure(f"期文件夹{reason}")
        validate_page_code(code)  # a ValidationError fails the file with its message
        kind = "pdf" if path.suffix.lower() in PDF_SUFFIXES else "image"
        what = "PDF" if kind == "pdf" else "扫描图"
        other = self._seen.setdefault((date, page_sort_key(code), kind), path)
        if other != path:
            raise ImportFailure(f"第 {code} 版已有文件 {other.name}；同一版只能有一个{what}")
        data = path.read_bytes()
        if kind == "image":
            fmt = inspect_image(io.BytesIO(data))
            name = f"{code}.{IMAGE_FORMATS.get(fmt, fmt.lower())}"
        else:
            stream = io.BytesIO(data)
            stream.size = len(data)
            validate_pdf_upload(stream)
            name = f"{code}.pdf"
        page = self.places.page(self.places.issue(date), code)
        current = getattr(page, kind)
        label = f"第{page.code}版{what}"
        if current and stored_sha256(current) == sha256_bytes(data):
            return [Row(UNCHANGED, label)]
        status = UPDATED if current else CREATED
        if not self.dry_run:
            setattr(page, kind, File(io.BytesIO(data), name=name))
            page.save()
        return [Row(status, label)]
