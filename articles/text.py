"""Article HTML read as plain text: for search, snippets, feeds, page descriptions and import fingerprints."""

from unionpaper.html_text import text_of


def plain_text(body_html: str, *, paragraph: str = "\n") -> str:
    """Return the text of ``body_html``: tags dropped, entities read, ``paragraph`` between blocks.

    A table cell and a figure are blocks of their own (``unionpaper.html_text``).
    The default keeps one line per paragraph (search never matches across
    one); ``paragraph=""`` runs the paragraphs together, as a one-line summary of
    Chinese prose wants them.
    """
    return text_of(body_html, cells=True, line_end=paragraph)
