"""What other parts of the site ask of search.

The reader's article view calls ``highlight_html``, ``number_marks`` and ``result_neighbours``
when a reader arrives from a search (``?q=…``); the article admin calls
``admin_article_ids``. Search owns how they work.
"""

import itertools
import re
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import mark_safe

from . import highlight
from .backends import MAX_RESULTS, Filters, backend
from .forms import PER_PAGE
from .query import QueryError, parse
from .results import neighbours, search_params


def highlight_html(html: str, query: str) -> str:
    """Return sanitized ``html`` with the query's terms wrapped in ``<mark>``.

    Only text between tags is marked, so tags and entities stay whole; a
    query that cannot be read marks nothing.
    """
    try:
        terms = parse(query or "").highlight_terms()
    except QueryError:
        terms = []
    if not terms:
        return mark_safe(html)
    return highlight.mark_html(html, terms)


def number_marks(marked_html: str) -> tuple[str, int]:
    """Return the highlighted HTML with each ``<mark>`` given ``id="hit-N"`` (from 1), and how many there are.

    上一处/下一处 in the article move between them; ``tabindex="-1"`` lets
    them take focus, so a screen reader reads the place reached.
    """
    count = itertools.count(1)
    numbered = re.sub("<mark>", lambda _match: f'<mark id="hit-{next(count)}" tabindex="-1">', marked_html)
    return mark_safe(numbered), next(count) - 1


def result_neighbours(params, article):
    """Return (previous, next) article URLs within the search ``params`` came from.

    The URLs carry the search parameters and the result number ``n``, so
    上一条/下一条 chain through the results in the order the search page showed.
    """
    if not (params.get("q") or any(params.get(k) for k in ("start", "end", "page_code", "theme", "author"))):
        return None, None
    (prev_id, next_id), n = neighbours(params, article)
    base = search_params(params)

    def url(article_id, number):
        if article_id is None:
            return None
        query = {**base, "n": number} if number is not None else base
        return reverse("articles:article", kwargs={"pk": article_id}) + "?" + urlencode(query)

    return url(prev_id, None if n is None else n - 1), url(next_id, None if n is None else n + 1)


def back_to_results(params) -> str:
    """Return the /search/ URL of the results page that holds result ``n`` (返回检索结果)."""
    query = search_params(params)
    try:
        n = int(params.get("n", ""))
    except ValueError:
        n = None
    if n is not None and n >= PER_PAGE:
        query["page"] = n // PER_PAGE + 1
    return reverse("search:search") + "?" + urlencode(query)


def admin_article_ids(text: str, limit: int = MAX_RESULTS) -> list | None:
    """Return the ids of articles, published or not, in which ``text`` is printed, newest first.

    The same reading of the query and the same index as ``/search/``, so the
    admin finds what archivists find, body included. Return None when the
    query cannot be read (the caller then falls back to its own search).
    """
    try:
        query = parse(text)
    except QueryError:
        return None
    if not query.terms:
        return None
    return backend(query, Filters(include_unpublished=True)).ordered_ids("newest", limit)
