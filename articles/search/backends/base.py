"""What every search backend shares: the entry table, the filters, the result, the orders.

A backend module (``sqlite``, ``postgres``) owns all SQL of its engine: the
read side (``search(query, filters)``, a ``Backend``: matches, count, order,
facets) and the write side (``entry_values``, ``write``, ``remove``,
``clear``, ``drop_orphans``, ``stale``, ``before_load``, ``after_load``).
``articles.search.backends`` picks one by ``connection.vendor``.

Orders: ``newest`` (issue date, then page and position: reading order),
``oldest``, and ``relevance``: the newest RANK_WINDOW matches ranked by the
engine (headline, kicker, subtitle and authors weighted ten times the body),
then the remaining matches newest first. The window keeps ranking bounded
for terms found in half the archive.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from issues.models import page_sort_key

from ..query import Query

ENTRY = "articles_search_entry"
META_COLUMNS = "article_id, issue_date, sort_key, page_code, position, visible_from, authors"
RANK_WINDOW = 500
MAX_RESULTS = 10_000  # deepest result one can page or export to
SORTS = ("relevance", "newest", "oldest")


@dataclass
class Filters:
    start: datetime.date | None = None
    end: datetime.date | None = None
    page_code: str = ""
    theme_id: int | None = None
    author: str = ""  # normalized name
    # The admin searches drafts too; every public path leaves this False.
    include_unpublished: bool = False

    @property
    def any(self) -> bool:
        return bool(self.start or self.end or self.page_code or self.theme_id or self.author)


@dataclass
class Matches:
    """One page of article ids in order, with the total and facets."""

    ids: list
    total: int
    approximate: bool = False
    years: list = field(default_factory=list)  # [(year, count)] newest first
    themes: list = field(default_factory=list)  # [(theme_id, count)] most first
    has_more: bool | None = None  # known when the count is an estimate
    facets_approximate: bool = False


class Backend:
    """A parsed query with its filters, run by one engine."""

    def __init__(self, query: Query, filters: Filters):
        self.query = query
        self.filters = filters

    def page(self, sort, offset, limit, *, facets=True) -> Matches:
        raise NotImplementedError

    def ordered_ids(self, sort, limit=MAX_RESULTS) -> list:
        return self.page(sort, 0, limit, facets=False).ids


def entry_filters(filters: Filters, alias="e"):
    """Return SQL conditions and params for the filters kept as entry columns."""
    if filters.include_unpublished:
        sql, params = [f"{alias}.article_id IS NOT NULL"], []
    else:
        sql, params = [f"{alias}.visible_from <= %s"], [connection.ops.adapt_datetimefield_value(timezone.now())]
    if filters.start:
        sql.append(f"{alias}.issue_date >= %s")
        params.append(connection.ops.adapt_datefield_value(filters.start))
    if filters.end:
        sql.append(f"{alias}.issue_date <= %s")
        params.append(connection.ops.adapt_datefield_value(filters.end))
    if filters.page_code:
        # By sort key, as the page view matches codes: A1, a01 and A01 are the same page.
        sql.append(f"{alias}.sort_key = %s")
        params.append(page_sort_key(filters.page_code))
    return sql, params


def newest_key(row):
    """Sort key of an ``(id, issue_date, sort_key, position)`` row in reading order, newest issue first."""
    return (-_ordinal(row[1]), row[2], row[3], row[0])


def oldest_key(row):
    return (_ordinal(row[1]), row[2], row[3], row[0])


def _ordinal(value):
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    return value.toordinal()


def year_of(value) -> int:
    return int(str(value)[:4])
