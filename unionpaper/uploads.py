"""Checks and storage names for uploaded files.

Nothing an uploader types reaches a path: every stored file gets a generated
name, and its extension comes from what the file really is, not from what it
claims to be.
"""
import os
import uuid

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError

# Formats a page scan or article photo may have, and the extension each is stored under.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "TIFF": "tif", "WEBP": "webp", "GIF": "gif"}
MAX_IMAGE_BYTES = 40 * 1024 * 1024
# A broadsheet scanned at 300 dpi is about 4,000 x 6,000 pixels; allow twice
# that and refuse more, which is what a decompression bomb looks like.
MAX_IMAGE_PIXELS = 50_000_000
MAX_PDF_BYTES = 60 * 1024 * 1024

# Pillow's own guard raises DecompressionBombError at twice this figure and
# warns above it; we check explicitly below, so make its threshold ours.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


def _size_mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def inspect_image(fileobj) -> str:
    """Return the Pillow format of an uploaded image, or raise ValidationError.

    Reads only the header for format and size, then verifies the data, so a
    file that lies about its type or is a decompression bomb is refused
    before anything decodes it in full.
    """
    size = getattr(fileobj, "size", None)
    if size is not None and size > MAX_IMAGE_BYTES:
        raise ValidationError(f"图片文件过大（{_size_mb(size)}），上限为 {_size_mb(MAX_IMAGE_BYTES)}。", code="too_large")
    pos = fileobj.tell() if hasattr(fileobj, "tell") else None
    try:
        fileobj.seek(0)
        with Image.open(fileobj) as img:
            fmt = img.format
            width, height = img.size
            if fmt not in IMAGE_FORMATS:
                raise ValidationError(
                    f"不支持的图片格式 {fmt}；请上传 JPEG、PNG、TIFF、WebP 或 GIF。", code="bad_format"
                )
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    f"图片像素过多（{width}×{height}），上限为 {MAX_IMAGE_PIXELS:,} 像素。", code="too_many_pixels"
                )
            img.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(f"文件不是有效的图片：{exc}", code="invalid_image") from exc
    finally:
        if pos is not None:
            fileobj.seek(pos)
    return fmt


def validate_image_upload(fieldfile):
    """Validate an uploaded image (form and model field validator)."""
    inspect_image(getattr(fieldfile, "file", fieldfile))


def validate_pdf_upload(fieldfile):
    """Validate an uploaded PDF by its signature and size."""
    f = getattr(fieldfile, "file", fieldfile)
    size = getattr(f, "size", None)
    if size is not None and size > MAX_PDF_BYTES:
        raise ValidationError(f"PDF 文件过大（{_size_mb(size)}），上限为 {_size_mb(MAX_PDF_BYTES)}。", code="too_large")
    pos = f.tell() if hasattr(f, "tell") else None
    try:
        f.seek(0)
        head = f.read(1024)
    finally:
        if pos is not None:
            f.seek(pos)
    if b"%PDF-" not in head[:1024]:
        raise ValidationError("文件不是 PDF（缺少 %PDF- 文件头）。", code="not_pdf")


@deconstructible
class GeneratedName:
    """``upload_to`` callable: ``<prefix>/<yyyy>/<mm>/<random>.<real extension>``."""

    def __init__(self, prefix: str, kind: str = "image"):
        self.prefix = prefix
        self.kind = kind

    def __call__(self, instance, filename: str) -> str:
        if self.kind == "pdf":
            ext = "pdf"
        else:
            ext = os.path.splitext(filename)[1].lstrip(".").lower()
            ext = {"jpeg": "jpg", "tiff": "tif"}.get(ext, ext)
            if ext not in IMAGE_FORMATS.values():
                ext = "bin"
        today = timezone.localdate()
        return f"{self.prefix}/{today:%Y/%m}/{uuid.uuid4().hex}.{ext}"

    def __eq__(self, other):
        return isinstance(other, GeneratedName) and (self.prefix, self.kind) == (other.prefix, other.kind)
