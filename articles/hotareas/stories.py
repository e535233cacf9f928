"""A draft story from a region of a born-digital page: its text as printed, its headline from the largest type.

The region is a list of shapes in page fractions (see ``geometry``); a
line belongs to it when the middle of its box lies inside. Lines are read
in the order the PDF gives them, which layout systems write story by
story, column by column. Paragraphs are joined as printed: a line set in
from its column's left edge, or following a line that stops short of the
right edge after the end of a sentence, starts a new one; lines of one paragraph join without a space
(Chinese wraps anywhere), except between two Latin letters or digits.
"""

import re

from articles.hotareas.extract import PageText, TextLine
from articles.hotareas.match import HEADING_RATIO, body_size_of, column_runs, columns

# A line that stops short ends its paragraph only after one of these.
PARAGRAPH_ENDS = set("。！？!?…”’）)」』")
BYLINE = re.compile(r"^[（(]?(本报)?(记者|通讯员|特约记者|实习生)")


def story_from_region(text: PageText, region: list[dict]) -> dict:
    """Return ``{"kicker", "headline", "subtitle", "byline", "paragraphs", "body"}`` of the lines in ``region``."""
    inside = [line for line in text.lines if _inside(line, region, text.width, text.height)]
    if not inside:
        return {"kicker": "", "headline": "", "subtitle": "", "byline": "", "paragraphs": [], "body": ""}
    body_size = body_size_of(inside, text.body_size())
    headings = [line for line in inside if line.size > body_size * HEADING_RATIO]
    body = [line for line in inside if line.size <= body_size * HEADING_RATIO and line.size >= body_size * 0.9]
    kicker, headline, subtitle = _headings(headings)
    byline = ""
    if body and BYLINE.match(body[0].text) and len(body[0].chars) <= 30:
        byline = body[0].text.strip("（）()")
        body = body[1:]
    paragraphs = _paragraphs(body, body_size, columns(text.lines))
    return {
        "kicker": kicker,
        "headline": headline,
        "subtitle": subtitle,
        "byline": byline,
        "paragraphs": paragraphs,
        "body": "\n".join(paragraphs),
    }


def _inside(line: TextLine, region, width, height) -> bool:
    x, y = (line.x0 + line.x1) / 2 / width, (line.y0 + line.y1) / 2 / height
    return any(_in_shape(x, y, shape) for shape in region)


def _in_shape(x, y, shape) -> bool:
    points = shape["points"]
    if shape["type"] == "rect":
        (x0, y0), (x1, y1) = points
        return min(x0, x1) <= x <= max(x0, x1) and min(y0, y1) <= y <= max(y0, y1)
    inside = False
    for (xa, ya), (xb, yb) in zip(points, points[1:] + points[:1], strict=True):
        if (ya > y) != (yb > y) and x < xa + (y - ya) * (xb - xa) / (yb - ya):
            inside = not inside
    return inside


def _headings(lines):
    """Return (kicker, headline, subtitle): the largest type, and smaller type above and below it."""
    if not lines:
        return "", "", ""
    largest = max(line.size for line in lines)
    main = [line for line in lines if line.size >= largest * 0.95]
    top, bottom = min(line.y0 for line in main), max(line.y1 for line in main)
    kicker = [line for line in lines if line not in main and line.y1 <= top + 1]
    subtitle = [line for line in lines if line not in main and line.y0 >= bottom - 1]
    return _join(kicker), _join(main), _join(subtitle)


def _join(lines) -> str:
    out = ""
    for line in sorted(lines, key=lambda ln: (ln.y0, ln.x0)):
        out = _glue(out, line.text)
    return out


def _glue(left: str, right: str) -> str:
    if left and right and left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


def _paragraphs(lines, body_size, grid) -> list[str]:
    runs = column_runs(lines, body_size)
    paragraphs, current, previous = [], "", None
    for line in lines:
        left, right = _column_of(line, runs, grid)
        indented = line.x0 - left > 0.8 * body_size
        after_short = (
            previous is not None
            and previous[1] - previous[0].x1 > 1.5 * body_size
            and previous[0].text.rstrip()[-1:] in PARAGRAPH_ENDS
        )
        if current and (indented or after_short):
            paragraphs.append(current)
            current = ""
        current = _glue(current, line.text)
        previous = (line, right)
    if current:
        paragraphs.append(current)
    return paragraphs


def _column_of(line, runs, grid):
    for left, right in grid:
        if left - 0.5 * line.size <= line.x0 <= left + 3 * line.size and line.x1 <= right + 1.5 * line.size:
            return left, right
    for run in runs:
        if run[0] <= line.x0 <= run[2] and run[1] <= line.y0 <= run[3]:
            return run[0], run[2]
    return line.x0, line.x1
