"""A page scan rendered from the page PDF, for pages that have a PDF and no scan.

The page is rendered with PDFium (pypdfium2) as a reader's viewer shows it:
its CropBox, its /Rotate, white paper under transparent parts. 200 dpi
makes 6-point type legible at the deepest zoom of the page viewer; a
broadsheet (about 350 × 500 mm) comes out about 2,760 × 3,940 pixels. The
long side is capped at 6,000 pixels, so a page of any size (a poster, a
double-page spread, a mistaken MediaBox in inches of hundreds) stays within
what a scan upload may be (``MAX_IMAGE_PIXELS``, 50 megapixels: a square
page at the cap is 36). The scan is a JPEG of quality 90, as a scanner's
would be, with the resolution written into it.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from unionpaper.pdfs import PDFIUM_LOCK, UnreadablePdf, open_pdfium

SCAN_DPI = 200
MAX_LONG_SIDE = 6000
JPEG_QUALITY = 90


def scan_size(width_pt: float, height_pt: float, *, dpi: int = SCAN_DPI, max_side: int = MAX_LONG_SIDE):
    """Return (scale, width px, height px) of the scan of a page ``width_pt`` × ``height_pt`` points."""
    scale = dpi / 72
    long_side = max(width_pt, height_pt) * scale
    if long_side > max_side:
        scale *= max_side / long_side
    return scale, max(1, round(width_pt * scale)), max(1, round(height_pt * scale))


def render_image(pdf_file, *, page_index: int = 0, dpi: int = SCAN_DPI, max_side: int = MAX_LONG_SIDE):
    """Return page ``page_index`` of ``pdf_file`` (bytes, path or file) as an RGB Pillow image."""
    with PDFIUM_LOCK:
        return _render(pdf_file, page_index, dpi, max_side)


def _render(pdf_file, page_index, dpi, max_side):
    import pypdfium2 as pdfium

    try:
        doc = open_pdfium(pdf_file)
    except UnreadablePdf as exc:
        raise ValidationError(f"无法从 PDF 生成版面图：{exc}", code="unrenderable") from exc
    try:
        if len(doc) <= page_index:
            raise ValidationError("无法从 PDF 生成版面图：PDF 没有页面。", code="unrenderable")
        page = doc[page_index]
        width, height = page.get_size()
        if width <= 0 or height <= 0:
            raise ValidationError("无法从 PDF 生成版面图：页面大小为零。", code="unrenderable")
        scale, _, _ = scan_size(width, height, dpi=dpi, max_side=max_side)
        try:
            bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255), may_draw_forms=False)
        except pdfium.PdfiumError as exc:
            raise ValidationError("无法从 PDF 生成版面图：页面无法渲染。", code="unrenderable") from exc
        image = bitmap.to_pil().convert("RGB")
        image.info["dpi"] = (scale * 72, scale * 72)
        bitmap.close()
        page.close()
    finally:
        doc.close()
    return image


def render_scan(pdf_file, *, page_index: int = 0, dpi: int = SCAN_DPI, max_side: int = MAX_LONG_SIDE) -> ContentFile:
    """Return the scan of a page PDF as a JPEG ``ContentFile`` named ``scan.jpg``.

    Raise ValidationError, in Chinese, when the PDF cannot be read or drawn.
    """
    image = render_image(pdf_file, page_index=page_index, dpi=dpi, max_side=max_side)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, dpi=image.info["dpi"])
    return ContentFile(out.getvalue(), name="scan.jpg")
