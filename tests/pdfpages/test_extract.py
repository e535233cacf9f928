"""The text layer of page PDFs is read with every line where it is printed, whatever the font technology."""

import pytest

from articles.hotareas.extract import page_text
from articles.hotareas.match import key
from tests.pdfpages.generate import transformed


def near(a, b, tolerance=1.0):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("font", ["cff", "truetype"])
def test_every_printed_line_is_read_with_its_box(generated, font):
    data, page = generated("classic", font)
    text = page_text(data)
    assert (text.width, text.height) == (page.width, page.height)
    boxes = {}
    for line in text.lines:
        boxes.setdefault(key(line.text), []).append(line.box)
    for line in page.lines:
        found = boxes.get(key(line.text), [])
        assert any(near((x0, y0, y1), (line.x, line.top, line.bottom), 1.5) for x0, y0, _, y1 in found), line.text


def test_a_spaced_byline_is_read_with_its_spaces(generated):
    data, page = generated("classic", "truetype")
    printed = {story.byline.split(" ")[0] + " " + " ".join(story.byline.split(" ")[1]) for story in page.stories}
    read = {line.text for line in page_text(data).lines}
    assert "记者 刘 飞".count(" ") == 2 and printed <= read


def test_a_rotated_page_is_read_as_it_is_shown(generated):
    data, page = generated("classic", "cff")
    headline = page.stories[0].printed[0]
    text = page_text(transformed(data, rotate=90))
    assert (text.width, text.height) == (page.height, page.width)
    line = next(ln for ln in text.lines if key(ln.text) == key(headline.text))
    # Turned a quarter clockwise: the page's top edge is now on the right.
    assert line.x0 == pytest.approx(page.height - headline.bottom, abs=1.5)
    assert line.y0 == pytest.approx(headline.x, abs=1.5)


def test_coordinates_are_measured_from_the_cropbox(generated):
    data, page = generated("classic", "cff")
    headline = page.stories[0].printed[0]
    text = page_text(transformed(data, crop=(20, 30, page.width - 20, page.height - 10)))
    assert (text.width, text.height) == (page.width - 40, page.height - 40)
    line = next(ln for ln in text.lines if key(ln.text) == key(headline.text))
    assert line.x0 == pytest.approx(headline.x - 20, abs=1.5)
    assert line.y0 == pytest.approx(headline.top - 10, abs=1.5)


def test_a_file_that_is_not_a_pdf_is_refused_in_chinese():
    from unionpaper.pdfs import UnreadablePdf

    with pytest.raises(UnreadablePdf, match="已损坏或不是 PDF"):
        page_text(b"<html>not a pdf</html>")
