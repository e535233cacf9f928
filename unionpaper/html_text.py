"""Rich text (HTML) read as plain text: which elements end a line, how entities read, stated once.

Search, snippets, feeds, page descriptions and import fingerprints read a
story's body through ``articles.text.plain_text``; the history's compare reads
a rich-text value as paragraphs (``adminkit.compare.paragraphs``). Both drop
the tags with ``without_tags`` and read character references with
``read_references``.
"""

import re
from html import unescape

from django.utils.html import strip_tags

# Elements that end a line of text wherever text is read: a paragraph, a list and its items, a table and its rows,
# a heading, a quotation, a line break, a rule.
LINE_ENDS = ("p", "br", "div", "li", "ul", "ol", "h[1-6]", "tr", "table", "blockquote", "hr")
# Where each piece of text stands on a line of its own (search, summaries), a table cell and a figure and its
# caption end one too; the history's compare keeps a table row, or a caption and the text after it, as one paragraph.
CELL_ENDS = ("td", "th", "figure", "figcaption")


def _opening_or_closing(names) -> re.Pattern:
    return re.compile(rf"</?(?:{'|'.join(names)})\b[^>]*>", re.IGNORECASE)


_LINES = _opening_or_closing(LINE_ENDS)
_LINES_AND_CELLS = _opening_or_closing(LINE_ENDS + CELL_ENDS)


def without_tags(html: str | None, *, cells: bool, line_end: str = "\n") -> str:
    """Return ``html`` with its tags dropped and ``line_end`` where a line ends; character references stay as written.

    With ``cells``, table cells and figures end a line too (``CELL_ENDS``).
    Line breaks written in the markup itself are kept.
    """
    return strip_tags((_LINES_AND_CELLS if cells else _LINES).sub(line_end, html or ""))


def read_references(text: str) -> str:
    """Return ``text`` with its character references read (``&amp;`` is ``&``), a no-break space as a space."""
    return unescape(text).replace("\xa0", " ")


def text_of(html: str | None, *, cells: bool, line_end: str = "\n") -> str:
    """Return the text of ``html`` as read: tags dropped, references read, ``line_end`` where a line ends."""
    return read_references(without_tags(html, cells=cells, line_end=line_end))
