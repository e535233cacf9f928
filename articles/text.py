"""Article HTML read as plain text: for search, snippets, feeds and page descriptions."""

import html
import re

from django.utils.html import strip_tags

# Elements that end a line of text: a paragraph, a list item, a table cell …
_BLOCK_TAG = re.compile(r"</?(?:p|br|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|figure|figcaption|hr)\b[^>]*>", re.I)


def plain_text(body_html: str, *, paragraph: str = "\n") -> str:
    """Return the text of ``body_html``: tags dropped, entities read, ``paragraph`` between blocks.

    The default keeps one line per paragraph (search never matches across
    one); ``paragraph=""`` runs the paragraphs together, as a one-line summary of
    Chinese prose wants them.
    """
    text = _BLOCK_TAG.sub(paragraph, body_html or "")
    return html.unescape(strip_tags(text)).replace("\xa0", " ")
