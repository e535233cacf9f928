"""Writes on pages: the page PDFs of a whole issue, uploaded at once."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction

from unionpaper.uploads import MAX_PDF_BYTES, validate_pdf_upload

from .models import Issue, Page, normalize_page_code, validate_page_code

# One issue has at most this many pages; a zip holding more is not an issue's PDFs.
MAX_FILES = 200
# What one upload (all its files, a zip's inflated members together) may add up to.
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
# A member inflating more than this many times its packed size is a zip bomb, not a PDF.
MAX_ZIP_RATIO = 200
# A file name is the page code, optionally its name after a dash: A01.pdf, A01-要闻.pdf, 01.pdf.
_NAME = re.compile(r"^(?P<code>[A-Za-z]{0,3}\d{1,4}[A-Za-z]?)(?:\s*[-_－—]\s*(?P<name>.+?))?$")

CREATED, UPDATED, UNCHANGED, REFUSED = "新建", "更新", "未变", "拒绝"


@dataclass
class PageUpload:
    """What became of one uploaded file."""

    filename: str
    status: str
    message: str
    code: str = ""

    @property
    def ok(self) -> bool:
        return self.status != REFUSED

    def as_json(self) -> dict:
        return {"file": self.filename, "status": self.status, "message": self.message, "code": self.code}


def page_of_filename(filename: str) -> tuple[str, str]:
    """Return (page code, page name) from ``A01-要闻.pdf``; raise ValidationError for another name."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    if not dot or ext.lower() != "pdf":
        raise ValidationError("不是 PDF 文件（文件名应以 .pdf 结尾，如 A01.pdf）。")
    m = _NAME.match(stem.strip())
    if not m:
        raise ValidationError("文件名应以版次开头，如 A01.pdf、A01-要闻.pdf 或 01.pdf。")
    code = normalize_page_code(m["code"])
    validate_page_code(code)
    name = (m["name"] or "").strip()
    if "<" in name or ">" in name or len(name) > Page._meta.get_field("name").max_length:
        raise ValidationError("文件名中的版名含有 < 或 >，或超过 40 个字。")
    return code, name


def expand_upload(filename: str, fileobj) -> list[tuple[str, bytes | None, str]]:
    """Return ``(file name, bytes, refusal)`` for an uploaded PDF, or for each PDF in an uploaded zip.

    A zip is read member by member within the limits: at most ``MAX_FILES``
    PDFs, none over the PDF upload limit, none inflating suspiciously, all
    together within ``MAX_TOTAL_BYTES``; folders and other files are skipped.
    """
    if not filename.lower().endswith(".zip"):
        data = fileobj.read(MAX_PDF_BYTES + 1)
        if len(data) > MAX_PDF_BYTES:
            return [(filename, None, f"文件超过 {MAX_PDF_BYTES // 1024 // 1024} MB 的上限。")]
        return [(filename, data, "")]
    try:
        archive = zipfile.ZipFile(fileobj)
        members = [i for i in archive.infolist() if not i.is_dir() and i.filename.lower().endswith(".pdf")]
    except (zipfile.BadZipFile, OSError):
        return [(filename, None, "不是有效的 zip 文件。")]
    members = [i for i in members if not i.filename.rsplit("/", 1)[-1].startswith(("._", "."))]
    if len(members) > MAX_FILES:
        return [(filename, None, f"zip 中的 PDF 超过 {MAX_FILES} 个。")]
    out, total = [], 0
    for info in members:
        name = info.filename
        if info.file_size > MAX_PDF_BYTES:
            out.append((name, None, f"文件超过 {MAX_PDF_BYTES // 1024 // 1024} MB 的上限。"))
            continue
        if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
            out.append((name, None, "压缩比异常（疑似压缩炸弹），未解压。"))
            continue
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            out.append((name, None, "整个 zip 解压后超过上限，其余文件未处理。"))
            break
        try:
            with archive.open(info) as member:
                data = member.read(MAX_PDF_BYTES + 1)  # the header's size is not trusted
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
            out.append((name, None, "无法从 zip 中读出（损坏或加密）。"))
            continue
        if len(data) > MAX_PDF_BYTES:
            out.append((name, None, f"文件超过 {MAX_PDF_BYTES // 1024 // 1024} MB 的上限。"))
            continue
        out.append((name, data, ""))
    return out


def page_upload_pdf(*, issue: Issue, filename: str, data: bytes) -> PageUpload:
    """Create or update the page a PDF's file name names, with the PDF; its scan is rendered when due.

    A file that is not a valid PDF, or not named by a page code, is refused
    with the reason and changes nothing.
    """
    try:
        code, name = page_of_filename(filename)
        stream = io.BytesIO(data)
        stream.size = len(data)
        stream.name = filename
        validate_pdf_upload(stream)
    except ValidationError as exc:
        return PageUpload(filename, REFUSED, "；".join(exc.messages))
    with transaction.atomic():
        page = Page.objects.select_for_update().filter(issue=issue, code=code).first()
        status = UPDATED if page else CREATED
        if page is None:
            page = Page(issue=issue, code=code, name=name)
        elif page.pdf and _same_bytes(page.pdf, data):
            if name and page.name != name:
                page.name = name
                page.save()
                return PageUpload(filename, UPDATED, f"第{code}版：PDF 未变，版名改为“{name}”。", code)
            return PageUpload(filename, UNCHANGED, f"第{code}版：PDF 与已有的相同，未改动。", code)
        if name:
            page.name = name
        try:
            page.full_clean(exclude=["pdf", "image"])
        except ValidationError as exc:
            return PageUpload(filename, REFUSED, "；".join(exc.messages), code)
        page.pdf = File(io.BytesIO(data), name=f"{code}.pdf")
        page.save()
    what = "已生成版面图" if page.scan_from_pdf else ("保留已上传的扫描图" if page.image else "未能生成版面图")
    return PageUpload(filename, status, f"第{code}版{'已新建' if status == CREATED else '已更新'}，{what}。", code)


def _same_bytes(fieldfile, data: bytes) -> bool:
    try:
        with fieldfile.storage.open(fieldfile.name, "rb") as fh:
            return fh.read(len(data) + 1) == data
    except OSError:
        return False
