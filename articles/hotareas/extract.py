"""The text layer of a page PDF: every printed character with its box, grouped into lines.

pdfium (pypdfium2) reads the text of the fonts layout systems embed, TrueType
and CID-keyed CFF alike, through their ToUnicode maps. Boxes are em boxes:
the character's advance across, and 0.88 em above to 0.12 em below its
baseline, which is where CJK type sits in its em square; so a line's box is
the same whatever the font's own ascent and descent say, and boxes of one
column's lines tile it.

Coordinates are points on the page as it is shown (CropBox, /Rotate
applied), from its top left corner: the same frame as the rendered scan.
Lines are found before the page is turned, where type runs across.
"""

import ctypes
import math
from collections import Counter
from dataclasses import dataclass, field

from unionpaper.pdfs import PDFIUM_LOCK, UnreadablePdf, open_pdfium

ASCENT, DESCENT = 0.88, 0.12
# A gap wider than this, in ems, between two glyphs of one baseline is a
# column gutter, unless the producer wrote a space there (a spaced name, or
# the full-width space of 刘　飞), which allows a wider one.
GUTTER_EM = 0.6
SPACED_EM = 1.6


@dataclass(frozen=True)
class Char:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float


@dataclass
class TextLine:
    """Characters printed on one baseline in one run, in the order the PDF gives them."""

    chars: list = field(default_factory=list)
    spaced: bool = False  # a space was printed inside the line

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def x0(self) -> float:
        return min(c.x0 for c in self.chars)

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)

    @property
    def y0(self) -> float:
        return min(c.y0 for c in self.chars)

    @property
    def y1(self) -> float:
        return max(c.y1 for c in self.chars)

    @property
    def size(self) -> float:
        """Return the most common type size of the line."""
        return Counter(round(c.size, 1) for c in self.chars if c.text != " ").most_common(1)[0][0]

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)


@dataclass
class PageText:
    width: float
    height: float
    lines: list

    def body_size(self) -> float:
        """Return the type size most characters on the page are set in."""
        sizes = Counter()
        for line in self.lines:
            for c in line.chars:
                sizes[round(c.size, 1)] += 1
        return sizes.most_common(1)[0][0] if sizes else 10.0


def page_text(pdf, page_index: int = 0) -> PageText:
    """Return the characters of one page of ``pdf``, grouped into lines."""
    with PDFIUM_LOCK:
        return _page_text(pdf, page_index)


def _page_text(pdf, page_index):
    doc = open_pdfium(pdf)
    try:
        if len(doc) <= page_index:
            raise UnreadablePdf("PDF 没有这一页。")
        page = doc[page_index]
        width, height = page.get_size()
        rotation = page.get_rotation() % 360
        upright = (height, width) if rotation in (90, 270) else (width, height)
        textpage = page.get_textpage()
        chars = list(_chars(textpage, _upright_transform(page)))
        textpage.close()
        page.close()
    finally:
        doc.close()
    # Lines are found on the upright page, where type runs across; then turned as shown.
    lines = [_rotate(line, rotation, *upright) for line in _lines(chars)]
    return PageText(width=width, height=height, lines=lines)


def _chars(textpage, to_upright):
    """Yield (Char or None for a space, starts a new run) for each character pdfium reads."""
    import pypdfium2.raw as raw

    ox, oy = ctypes.c_double(), ctypes.c_double()
    matrix, box = raw.FS_MATRIX(), raw.FS_RECTF()
    for index in range(textpage.count_chars()):
        code = raw.FPDFText_GetUnicode(textpage.raw, index)
        if raw.FPDFText_IsGenerated(textpage.raw, index) == 1:
            yield None, True  # pdfium's own line break between runs
            continue
        ch = chr(code) if code else ""
        if not ch or ch in "\r\n":
            yield None, True
            continue
        if ch.isspace():
            yield None, False
            continue
        raw.FPDFText_GetCharOrigin(textpage.raw, index, ox, oy)
        raw.FPDFText_GetLooseCharBox(textpage.raw, index, box)
        size = raw.FPDFText_GetFontSize(textpage.raw, index)
        if raw.FPDFText_GetMatrix(textpage.raw, index, matrix):
            size *= math.hypot(matrix.c, matrix.d) or 1.0
        x0, x1 = box.left, box.right
        y_top, y_bottom = oy.value + ASCENT * size, oy.value - DESCENT * size
        corners = [to_upright(x, y) for x in (x0, x1) for y in (y_top, y_bottom)]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        yield Char(ch, min(xs), min(ys), max(xs), max(ys), size), False


def _upright_transform(page):
    """Return a function from PDF user space to the page before /Rotate (points, CropBox top left origin)."""
    left, _, _, top = page.get_bbox()  # the CropBox in effect, inherited or not
    return lambda x, y: (x - left, top - y)


def _rotate(line: "TextLine", rotation: int, width: float, height: float) -> "TextLine":
    """Return ``line`` turned as the page is shown (``width`` × ``height`` before turning)."""
    if rotation == 0:
        return line

    def turn(c):
        if rotation == 90:
            x0, y0, x1, y1 = height - c.y1, c.x0, height - c.y0, c.x1
        elif rotation == 180:
            x0, y0, x1, y1 = width - c.x1, height - c.y1, width - c.x0, height - c.y0
        else:
            x0, y0, x1, y1 = c.y0, width - c.x1, c.y1, width - c.x0
        return Char(c.text, x0, y0, x1, y1, c.size)

    return TextLine(chars=[turn(c) for c in line.chars], spaced=line.spaced)


def _lines(chars) -> list:
    lines, current, spaced, broken = [], None, False, True
    for char, new_run in chars:
        if char is None:
            if new_run:
                broken = True
            else:
                spaced = True
            continue
        if current is not None and not broken and _continues(current, char, spaced):
            if spaced:
                last = current.chars[-1]
                current.chars.append(Char(" ", last.x1, last.y0, max(last.x1, char.x0), last.y1, last.size))
            current.chars.append(char)
            current.spaced = current.spaced or spaced
        elif current is not None and broken and _continues(current, char, spaced):
            # pdfium broke the run, but the glyph sits right after the last one.
            current.chars.append(char)
        else:
            current = TextLine(chars=[char])
            lines.append(current)
        spaced, broken = False, False
    return lines


def _continues(line: TextLine, char: Char, spaced: bool) -> bool:
    last = line.chars[-1]
    size = max(last.size, char.size)
    base_last, base_char = last.y1 - DESCENT * last.size, char.y1 - DESCENT * char.size
    if abs(base_last - base_char) > 0.3 * size:
        return False
    gap = char.x0 - last.x1
    if gap < -0.5 * size:
        return False
    return gap <= (SPACED_EM if spaced else GUTTER_EM) * size
