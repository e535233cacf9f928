"""Checks and storage names for uploaded files.

Nothing an uploader types reaches a path: every stored file gets a generated
name, and its extension comes from what the file really is, not from what it
claims to be. Images are checked by Pillow (real format on an allow-list,
byte and pixel limits against decompression bombs, a full decode so a
truncated or forged file is refused); PDFs by signature, size, a parse with
pypdf, and the absence of scripts and automatic actions.

Every refusal is said in Chinese, with the reason an editor can act on; what
Pillow or pypdf said about a damaged file is logged, not shown.
"""

import contextlib
import logging
import os
import uuid
import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError

from unionpaper import pdfs
from unionpaper.filesizes import size_mb, size_of

# Formats a page scan or article photo may have, and the extension each is stored under:
# the one map of image formats, also for what the site writes (renditions, tiles).
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "TIFF": "tif", "WEBP": "webp", "GIF": "gif"}
MAX_IMAGE_BYTES = 40 * 1024 * 1024
# A broadsheet scanned at 300 dpi is about 4,000 x 6,000 pixels; allow twice
# that and refuse more, which is what a decompression bomb looks like.
MAX_IMAGE_PIXELS = 50_000_000
# An animated GIF or multi-page TIFF is decoded frame by frame by whoever
# shows it; a photo needs few.
MAX_IMAGE_FRAMES = 200
MAX_PDF_BYTES = 60 * 1024 * 1024
# A PDF may start with a little junk before its header; readers look this far.
PDF_HEADER_WINDOW = 1024

# Pillow's own guard raises DecompressionBombError at twice this figure and
# warns above it; we check explicitly below, so make its threshold ours.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

logger = logging.getLogger(__name__)

# Set on an uploaded file that inspect_image passed in the form, so the model
# field's validator does not decode the same scan a second time.
INSPECTED = "_unionpaper_image_format"


def image_format(ext: str) -> tuple[str, str]:
    """Return Pillow's name and the MIME type of the image format stored as ``ext`` (``jpg``, ``webp`` …)."""
    fmt = next(fmt for fmt, stored_as in IMAGE_FORMATS.items() if stored_as == ext)
    Image.init()  # Pillow's MIME types are known once its format plugins are registered
    return fmt, Image.MIME[fmt]


def inspect_image(fileobj) -> str:
    """Return the Pillow format of an uploaded image, or raise ValidationError.

    Reads only the header for format and size first, so a file that lies
    about its type or is a decompression bomb is refused before anything
    decodes it; then decodes it once, so a damaged file is refused too.
    """
    size = size_of(fileobj)
    if size is not None and size > MAX_IMAGE_BYTES:
        raise ValidationError(f"图片文件过大（{size_mb(size)}），上限为 {size_mb(MAX_IMAGE_BYTES)}。", code="too_large")
    if size == 0:
        raise ValidationError("图片文件是空的。", code="empty")
    pos = fileobj.tell() if hasattr(fileobj, "tell") else None
    try:
        fileobj.seek(0)
        with warnings.catch_warnings():
            # Pillow warns between one and two times its limit; we refuse
            # anything over the limit just below, with a message that says why.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(fileobj, formats=list(IMAGE_FORMATS))
        with img:
            fmt = img.format
            width, height = img.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    f"图片像素过多（{width}×{height}），上限为 {MAX_IMAGE_PIXELS:,} 像素。", code="too_many_pixels"
                )
            if getattr(img, "n_frames", 1) > MAX_IMAGE_FRAMES:
                raise ValidationError(
                    f"图片帧数过多（{img.n_frames}），上限为 {MAX_IMAGE_FRAMES}。", code="too_many_frames"
                )
            img.verify()
        fileobj.seek(0)
        with Image.open(fileobj, formats=list(IMAGE_FORMATS)) as img:
            img.load()
        fileobj.seek(0)
        _refuse_trailing_bytes(fileobj, fmt)
    except ValidationError:
        raise
    except UnidentifiedImageError as exc:
        raise ValidationError(
            "文件不是可接受的图片：只接受 JPEG、PNG、TIFF、WebP 或 GIF（按文件内容判断，不看扩展名）。",
            code="bad_format",
        ) from exc
    except Image.DecompressionBombError as exc:
        # Pillow refuses over twice its limit inside Image.open, before we see the size.
        size = _header_size(fileobj)
        shown = f"（{size[0]}×{size[1]}）" if size else ""
        raise ValidationError(
            f"图片像素过多{shown}，上限为 {MAX_IMAGE_PIXELS:,} 像素。", code="too_many_pixels"
        ) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        logger.warning("refused a damaged image %s: %s: %s", _name_of(fileobj), type(exc).__name__, exc)
        raise ValidationError(
            "图片文件已损坏或不完整，无法读取：请重新导出或扫描后再上传。", code="invalid_image"
        ) from exc
    finally:
        if pos is not None:
            fileobj.seek(pos)
    return fmt


def image_end(data: bytes, fmt: str) -> int | None:
    """Return where the image data of ``data`` ends, by the format's own structure; None if unknown.

    PNG ends with its IEND chunk, GIF with its trailer byte, JPEG with the EOI
    marker after the last scan, WebP where its RIFF header says. TIFF has no
    end of its own: its parts are found by offsets, so it ends with the last
    byte any of them reaches (:func:`_tiff_end`).
    """
    try:
        if fmt == "TIFF":
            return _tiff_end(data)
        if fmt == "PNG":
            pos = 8
            while pos + 8 <= len(data):
                length = int.from_bytes(data[pos : pos + 4], "big")
                kind = data[pos + 4 : pos + 8]
                pos += 12 + length
                if kind == b"IEND":
                    return pos
            return None
        if fmt == "GIF":
            flags = data[10]
            pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
            while pos < len(data):
                block = data[pos]
                if block == 0x3B:
                    return pos + 1
                if block == 0x21:
                    pos += 2
                elif block == 0x2C:
                    flags = data[pos + 9]
                    pos += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0) + 1
                else:
                    return None
                while data[pos]:  # data sub-blocks, each led by its size, up to an empty one
                    pos += data[pos] + 1
                pos += 1
            return None
        if fmt == "JPEG":
            pos = 2
            while pos < len(data):
                if data[pos] != 0xFF:
                    return None
                while data[pos] == 0xFF:
                    pos += 1
                marker = data[pos]
                pos += 1
                if marker == 0xD9:
                    return pos
                if 0xD0 <= marker <= 0xD7 or marker == 0x01:
                    continue
                pos += int.from_bytes(data[pos : pos + 2], "big")
                if marker == 0xDA:  # entropy-coded data runs to the next marker that is not a restart
                    while True:
                        pos = data.index(b"\xff", pos)
                        following = data[pos + 1]
                        if following == 0 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                            pos += 1 if following == 0xFF else 2
                            continue
                        break
            return None
        if fmt == "WEBP":
            size = int.from_bytes(data[4:8], "little")
            return 8 + size + (size & 1)
    except (IndexError, ValueError):
        return None
    return None


# Bytes of one value of each TIFF field type (TIFF 6.0 and its extensions).
_TIFF_TYPE_SIZES = {
    **{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4},
    **{16: 8, 17: 8, 18: 8},  # BigTIFF's
}
# Tags whose values are offsets of data (strips, tiles, JPEG tables) with their byte counts beside them.
_TIFF_DATA_TAGS = ((273, 279), (324, 325), (513, 514))
# Tags that point at further IFDs: SubIFDs, Exif, GPS, Interoperability.
_TIFF_IFD_TAGS = (330, 34665, 34853, 40965)
_TIFF_MAX_IFDS = 2 * MAX_IMAGE_FRAMES + 64


def _tiff_end(data: bytes) -> int | None:
    """Return the end of the last part a TIFF's directories point at; None if it cannot be followed.

    Walks every image file directory (IFD) of the chain and those its Exif,
    GPS and SubIFD tags point at: the directory itself, each value stored
    outside it, and each strip or tile of image data. BigTIFF is not judged.
    """
    order = {b"II": "little", b"MM": "big"}.get(data[:2])
    if order is None or int.from_bytes(data[2:4], order) != 42:
        return None

    def number(pos: int, size: int) -> int:
        if pos + size > len(data):
            raise IndexError(pos)
        return int.from_bytes(data[pos : pos + size], order)

    def values(kind: int, count: int, pos: int) -> list[int]:
        size = _TIFF_TYPE_SIZES.get(kind, 1)
        if size not in (2, 4, 8) or kind not in (3, 4, 8, 9, 13, 16, 17, 18):
            return []
        return [number(pos + i * size, size) for i in range(count)]

    end = 8
    pending, seen = [number(4, 4)], set()
    while pending:
        ifd = pending.pop()
        if ifd == 0 or ifd in seen:
            continue
        if len(seen) >= _TIFF_MAX_IFDS:
            return None
        seen.add(ifd)
        entries = number(ifd, 2)
        end = max(end, ifd + 2 + 12 * entries + 4)
        fields = {}
        for i in range(entries):
            at = ifd + 2 + 12 * i
            tag, kind, count = number(at, 2), number(at + 2, 2), number(at + 4, 4)
            length = _TIFF_TYPE_SIZES.get(kind, 1) * count
            pos = at + 8 if length <= 4 else number(at + 8, 4)
            end = max(end, pos + length)
            fields[tag] = (kind, count, pos)
        for offsets_tag, counts_tag in _TIFF_DATA_TAGS:
            if offsets_tag in fields and counts_tag in fields:
                offsets, counts = values(*fields[offsets_tag]), values(*fields[counts_tag])
                end = max([end, *(o + c for o, c in zip(offsets, counts, strict=False))])
        for tag in _TIFF_IFD_TAGS:
            if tag in fields:
                pending.extend(values(*fields[tag]))
        pending.append(number(ifd + 2 + 12 * entries, 4))
    return end


def _refuse_trailing_bytes(fileobj, fmt: str):
    """Refuse an image with anything but zero padding after its image data (a GIF or TIFF followed by HTML)."""
    if fmt not in ("PNG", "GIF", "JPEG", "WEBP", "TIFF"):
        return
    data = fileobj.read()
    end = image_end(data, fmt)
    if end is None or end >= len(data) or not data[end:].strip(b"\x00"):
        return
    raise ValidationError(
        f"图片文件在图像数据之后还附有 {len(data) - end:,} 字节的其他内容（可能是藏在图片里的网页或脚本），"
        "不予接受：请用图片软件重新保存后再上传。",
        code="trailing_bytes",
    )


def _header_size(fileobj) -> tuple[int, int] | None:
    """Return the width and height a header claims, read without Pillow's bomb check.

    Only for the message of an image Pillow refused as a bomb: the format
    plugin reads the header and decodes nothing. None if that fails.
    """
    try:
        Image.init()
        fileobj.seek(0)
        prefix = fileobj.read(16)
        for fmt in IMAGE_FORMATS:
            factory, accept = Image.OPEN[fmt]
            accepted = accept is None or accept(prefix)
            if accepted and not isinstance(accepted, str):  # a str is Pillow's "not this format, because…"
                fileobj.seek(0)
                with factory(fileobj, "") as img:
                    return img.size
    except Exception:
        return None
    return None


def _name_of(fileobj) -> str:
    return repr(getattr(fileobj, "name", None) or "(unnamed)")


def _is_stored(fieldfile) -> bool:
    # A file already in storage was checked when it was uploaded; re-reading
    # (and decoding) every stored scan on each save of its row would be slow.
    return getattr(fieldfile, "_committed", False) is True


def validate_image_upload(fieldfile):
    """Validate an uploaded image (form and model field validator)."""
    if _is_stored(fieldfile):
        return
    fileobj = getattr(fieldfile, "file", fieldfile)
    if getattr(fileobj, INSPECTED, None):
        return  # checked by UploadImageFormField a moment ago
    inspect_image(fileobj)


class UploadImageFormField(forms.ImageField):
    """``forms.ImageField`` that checks the upload with :func:`inspect_image`.

    Django's own check opens the file with Pillow first and turns any failure
    into one generic sentence (上传一个有效的图片…), so a decompression bomb
    over twice ``MAX_IMAGE_PIXELS`` — where Pillow raises rather than warns —
    never reached our validator and its 图片像素过多 message. This field runs
    our checks instead (they are a superset: header, pixel and frame limits,
    verify and a full decode), so every refusal gives its own reason.
    """

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        fmt = inspect_image(upload)
        upload.content_type = Image.MIME.get(fmt)
        setattr(upload, INSPECTED, fmt)
        if hasattr(upload, "seek") and callable(upload.seek):
            upload.seek(0)
        return upload


class UploadImageField(models.ImageField):
    """``models.ImageField`` whose form field is :class:`UploadImageFormField`.

    Give it ``validators=[validate_image_upload]`` too, so code that saves
    through ``full_clean`` rather than a form is checked the same way.
    """

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": UploadImageFormField, **kwargs})


def fill_image_dimensions(instance, field_name: str, width_field: str):
    """Store an image's size if it is missing.

    Django leaves it empty when the image was saved from an unnamed
    ``ContentFile``; left empty, every later load of the row would open the
    file to measure it.
    """
    if getattr(instance, field_name) and not getattr(instance, width_field):
        # A missing or unreadable file is reported by its validator, not here.
        with contextlib.suppress(OSError, ValueError):
            instance._meta.get_field(field_name).update_dimension_fields(instance, force=True)


def inspect_pdf(fileobj) -> int:
    """Return the number of pages of an uploaded PDF, or raise ValidationError (rules in ``unionpaper.pdfs``)."""
    return pdfs.inspect_pdf(fileobj, max_bytes=MAX_PDF_BYTES)


def validate_pdf_upload(fieldfile):
    """Validate an uploaded PDF by its signature, size and structure."""
    if _is_stored(fieldfile):
        return
    inspect_pdf(getattr(fieldfile, "file", fieldfile))


def real_extension(fileobj, claimed_name: str = "") -> str:
    """Return the extension for what ``fileobj`` really is (``bin`` if not an allowed image).

    Reads the header only: the validators have already checked the file.
    """
    if fileobj is not None:
        pos = fileobj.tell()
        try:
            fileobj.seek(0)
            with Image.open(fileobj, formats=list(IMAGE_FORMATS)) as img:
                return IMAGE_FORMATS[img.format]
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
            return "bin"
        finally:
            fileobj.seek(pos)
    ext = os.path.splitext(claimed_name)[1].lstrip(".").lower()
    ext = {"jpeg": "jpg", "tiff": "tif"}.get(ext, ext)
    return ext if ext in IMAGE_FORMATS.values() else "bin"


def _pending_file(instance, upload_to):
    """Return the not yet stored file of the field of ``instance`` using ``upload_to``."""
    for field in instance._meta.get_fields():
        if getattr(field, "upload_to", None) is upload_to:
            fieldfile = getattr(instance, field.attname, None)
            if fieldfile and not getattr(fieldfile, "_committed", True):
                return getattr(fieldfile, "file", None)
    return None


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
            try:
                pending = _pending_file(instance, self)
            except Exception:
                pending = None
            ext = real_extension(pending, filename)
        today = timezone.localdate()
        return f"{self.prefix}/{today:%Y/%m}/{uuid.uuid4().hex}.{ext}"

    def __eq__(self, other):
        return isinstance(other, GeneratedName) and (self.prefix, self.kind) == (other.prefix, other.kind)
