"""SQLite: the entry table, and an FTS5 table fed the index's bigrams.

``articles_search_fts(title, body)`` (rowid = article id, ``unicode61``
tokenizer) holds each field's tokens separated by spaces. A term is an FTS5
phrase of its bigrams (``"法律 律援 援助"``), one character a prefix query
(``"匠" *``). Ranked by ``bm25`` with the title column weighted ten times.
"""

from django.db import connection

from ..query import Query
from ..text import bigrams, normalize, positioned_runs
from .base import ENTRY, META_COLUMNS, RANK_WINDOW, Backend, Matches, entry_filters, newest_key

FTS = "articles_search_fts"


# --- Write ------------------------------------------------------------------------


def _column(text: str) -> str:
    """Return one FTS5 column: the field's tokens in text order, separated by spaces."""
    found, _ = positioned_runs(normalize(text))
    return " ".join(token for tokens, _ in found for token in tokens)


def entry_values(meta: tuple, title: str, body: str, *, authors, theme_ids, year) -> tuple:
    """Return one entry row: the entry columns, then the FTS5 title and body.

    Authors, themes and year are filtered on entry columns and the theme table.
    """
    return (*meta, _column(title), _column(body))


def write(cursor, values_list, *, replace=True):
    """Store entry rows from ``entry_values`` (replacing existing ones when ``replace``)."""
    ids = [(v[0],) for v in values_list]
    if replace:
        cursor.executemany(f"DELETE FROM {FTS} WHERE rowid = %s", ids)
    cursor.executemany(
        f"INSERT OR REPLACE INTO {ENTRY} ({META_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [v[:7] for v in values_list],
    )
    cursor.executemany(
        f"INSERT INTO {FTS} (rowid, title, body) VALUES (%s, %s, %s)", [(v[0], v[7], v[8]) for v in values_list]
    )


def remove(cursor, ids):
    params = [(i,) for i in ids]
    cursor.executemany(f"DELETE FROM {ENTRY} WHERE article_id = %s", params)
    cursor.executemany(f"DELETE FROM {FTS} WHERE rowid = %s", params)


def clear(cursor):
    cursor.execute(f"DELETE FROM {ENTRY}")
    cursor.execute(f"DELETE FROM {FTS}")


def drop_orphans(cursor):
    cursor.execute(
        f"DELETE FROM {ENTRY} WHERE NOT EXISTS (SELECT 1 FROM articles_article a WHERE a.id = {ENTRY}.article_id)"
    )
    cursor.execute(f"DELETE FROM {FTS} WHERE rowid NOT IN (SELECT article_id FROM {ENTRY})")


def stale(cursor, article_ids) -> list:
    """Return the entries among these whose text must be rebuilt after a date change: none here."""
    return []


def before_load(cursor, *, total: int) -> bool:
    """Prepare a rebuild of ``total`` articles; return whether ``after_load`` has an index to build."""
    return False


def after_load(cursor, *, rebuilt_index: bool, progress):
    """Finish a rebuild."""


# --- Read -------------------------------------------------------------------------


def fts_phrase(part: str) -> str:
    if len(part) == 1:
        return f'"{part}" *'
    return '"' + " ".join(bigrams(part)) + '"'


def fts_match(query: Query) -> str:
    """Return the FTS5 MATCH expression (every part quoted: no operator gets through)."""

    def term(t):
        return "(" + " AND ".join(fts_phrase(p) for p in t.parts) + ")"

    expr = " AND ".join(term(t) for t in query.required)
    for t in query.excluded:
        expr += f" NOT {term(t)}"
    return expr


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SQLiteBackend(Backend):
    """Count, facets and order in SQL: FTS5 counts every match exactly at SQLite's scale."""

    def _base(self):
        where, params = entry_filters(self.filters)
        if self.filters.author:
            where.append("e.authors LIKE %s ESCAPE '\\'")
            params.append("%、" + _like_escape(self.filters.author) + "、%")
        if self.filters.theme_id:
            where.append(
                "EXISTS (SELECT 1 FROM articles_themedarticle t"
                " WHERE t.content_object_id = e.article_id AND t.tag_id = %s)"
            )
            params.append(self.filters.theme_id)
        if self.query.required:
            source = f"{FTS} f JOIN {ENTRY} e ON e.article_id = f.rowid"
            where.insert(0, f"{FTS} MATCH %s")
            params.insert(0, fts_match(self.query))
            rank = f"bm25({FTS}, 10.0, 1.0)"
        else:
            source, rank = f"{ENTRY} e", "0"
        return source, " AND ".join(where), params, rank

    def page(self, sort, offset, limit, *, facets=True):
        source, where, params, rank = self._base()
        cols = "e.article_id, e.issue_date, e.sort_key, e.position"
        newest = "e.issue_date DESC, e.sort_key, e.position, e.article_id"
        oldest = "e.issue_date ASC, e.sort_key, e.position, e.article_id"
        with connection.cursor() as cursor:
            years = []
            if facets:
                # One pass gives the facet by year and, summed, the count.
                cursor.execute(
                    f"SELECT substr(e.issue_date, 1, 4) AS y, count(*) FROM {source} WHERE {where}"
                    " GROUP BY y ORDER BY y DESC",
                    params,
                )
                years = [(int(y), n) for y, n in cursor.fetchall()]
                total = sum(n for _, n in years)
            else:
                cursor.execute(f"SELECT count(*) FROM {source} WHERE {where}", params)
                total = cursor.fetchone()[0]
            if sort == "relevance" and offset < RANK_WINDOW and self.query.required:
                cursor.execute(
                    f"SELECT {cols}, {rank} FROM {source} WHERE {where} ORDER BY {newest} LIMIT %s",
                    [*params, RANK_WINDOW],
                )
                window = cursor.fetchall()
                window.sort(key=lambda r: (r[4], *newest_key(r)))  # bm25: lower is better
                ids = [r[0] for r in window[offset : offset + limit]]
                if offset + limit > len(window) and total > len(window):
                    cursor.execute(
                        f"SELECT e.article_id FROM {source} WHERE {where} ORDER BY {newest} LIMIT %s OFFSET %s",
                        [*params, offset + limit - len(window), len(window)],
                    )
                    ids += [r[0] for r in cursor.fetchall()]
            else:
                cursor.execute(
                    f"SELECT e.article_id FROM {source} WHERE {where} ORDER BY {oldest if sort == 'oldest' else newest}"
                    " LIMIT %s OFFSET %s",
                    [*params, limit, offset],
                )
                ids = [r[0] for r in cursor.fetchall()]
            themes = []
            if facets and total:
                cursor.execute(
                    f"SELECT t.tag_id, count(*) AS n FROM articles_themedarticle t WHERE t.content_object_id IN"
                    f" (SELECT e.article_id FROM {source} WHERE {where}) GROUP BY t.tag_id ORDER BY n DESC, t.tag_id",
                    params,
                )
                themes = list(cursor.fetchall())
        return Matches(ids=ids, total=total, years=years, themes=themes)


def search(query: Query, filters) -> SQLiteBackend:
    return SQLiteBackend(query, filters)
