"""One module per database engine, each owning its read and its write SQL.

``sqlite`` (FTS5) and ``postgres`` (tsvector with GIN) offer the same
functions; ``base`` holds what they share. Callers ask ``for_connection``
for the module of their connection's engine, or ``backend`` for the read
side of a query.
"""

from django.db import connection

from ..query import Query
from . import postgres, sqlite
from .base import MAX_RESULTS, SORTS, Backend, Filters, Matches

__all__ = ["MAX_RESULTS", "SORTS", "Backend", "Filters", "Matches", "backend", "for_connection"]


def for_connection(conn=None):
    """Return the backend module of ``conn``'s engine (the default connection's if not given)."""
    return postgres if (conn or connection).vendor == "postgresql" else sqlite


def backend(query: Query, filters: Filters) -> Backend:
    """Return the read side of the default connection's engine for this query and filters."""
    return for_connection().search(query, filters)
