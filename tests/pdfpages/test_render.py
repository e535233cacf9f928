"""A page scan rendered from the page PDF looks like the page: size, orientation, crop, paper."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from issues.pdf_render import MAX_LONG_SIDE, render_scan
from tests.pdfpages.generate import transformed


def opened(scan) -> Image.Image:
    image = Image.open(io.BytesIO(scan.read()))
    image.load()
    return image


def shade(image, box_pt, scale):
    """Return the mean grey of a box given in points."""
    x0, y0, x1, y1 = (round(v * scale) for v in box_pt)
    crop = image.convert("L").crop((x0 + 2, y0 + 2, x1 - 2, y1 - 2))
    return sum(crop.getdata()) / (crop.width * crop.height)


def test_a_page_pdf_renders_as_a_200_dpi_rgb_jpeg(generated):
    data, page = generated("classic", "cff")
    scan = render_scan(data)
    image = opened(scan)
    assert scan.name == "scan.jpg" and image.format == "JPEG" and image.mode == "RGB"
    assert image.size == pytest.approx((page.width / 72 * 200, page.height / 72 * 200), abs=1)
    assert image.info["dpi"] == pytest.approx((200, 200), abs=1)
    scale = 200 / 72
    assert shade(image, page.photos[0], scale) == pytest.approx(185, abs=10)  # the grey photo box
    assert shade(image, (0, 0, 30, 30), scale) > 250  # white paper in the margin
    assert shade(image, _box(page.stories[0].printed[0]), scale) < 235  # the headline's black type


def _box(line):
    return (line.x, line.top, line.x + 8 * line.size, line.bottom)


def test_the_long_side_is_capped(generated):
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(3000, 5000))
    pdf.add_page()
    image = opened(render_scan(bytes(pdf.output())))
    assert max(image.size) == MAX_LONG_SIDE and image.size == (3600, 6000)


def test_a_rotated_page_renders_turned(generated):
    data, page = generated("classic", "cff")
    image = opened(render_scan(transformed(data, rotate=90), dpi=72))
    assert image.size == (round(page.height), round(page.width))
    x0, y0, x1, y1 = page.photos[0]
    turned = (page.height - y1, x0, page.height - y0, x1)
    assert shade(image, turned, 1) == pytest.approx(185, abs=10)


def test_the_cropbox_is_what_renders(generated):
    data, page = generated("classic", "cff")
    image = opened(render_scan(transformed(data, crop=(20, 30, page.width - 20, page.height - 10)), dpi=72))
    assert image.size == (round(page.width - 40), round(page.height - 40))
    x0, y0, x1, y1 = page.photos[0]
    assert shade(image, (x0 - 20, y0 - 10, x1 - 20, y1 - 10), 1) == pytest.approx(185, abs=10)


@pytest.mark.parametrize("content", [b"", b"%PDF-1.7\nbroken", b"<html></html>"])
def test_a_broken_file_is_refused_in_chinese(content):
    with pytest.raises(ValidationError, match="无法从 PDF 生成版面图"):
        render_scan(content)
