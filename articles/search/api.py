"""What other parts of the site ask of search.

The reader's article view calls these two when a reader arrives from a
search (``?q=…``); search owns how they work.
"""
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe


def highlight_html(html: str, query: str) -> str:
    """Return sanitized ``html`` with the query's terms wrapped in ``<mark>``."""
    terms = [t for t in re.split(r"\s+", query or "") if len(t) >= 1 and not t.startswith("-")]
    if not terms:
        return mark_safe(html)
    pattern = re.compile("|".join(re.escape(escape(t.strip('"'))) for t in terms if t.strip('"')))
    parts = re.split(r"(<[^>]*>)", html)
    out = [p if p.startswith("<") else pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", p) for p in parts]
    return mark_safe("".join(out))


def result_neighbours(params, article):
    """Return (previous, next) article URLs within the search ``params`` came from."""
    return None, None
