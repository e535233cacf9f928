"""PostgreSQL: the entry table with a bigram ``tsvector`` and a GIN index.

``tokens`` is built here in Python and stored from its literal
(``%s::tsvector``), never through ``to_tsvector``, whose parser depends on
the database locale. Title positions carry weight A. Besides bigrams the
vector holds tags for filters GIN can combine with the terms: ``au<hex of
the author name>``, ``th<theme id>``, ``yr<year>`` (three or more
characters, so a tag never equals a bigram).

Each query runs as a *loose* query GIN answers alone (every bigram ANDed,
plus tags: no positions, so no vector is read) and, for phrases and
exclusions, an *exact* one (bigrams joined by ``<->``) checked only on the
candidates shown. Up to EXACT_LIMIT matches are counted exactly; past that
the count and the facets are estimates (shown as 约…条) and results are read
year by year from the newest (or oldest), so a page costs the same for any
term. See docs/search.md.
"""

import datetime
import json
from collections import Counter

from django.db import connection, transaction
from psycopg2.extras import execute_values

from ..query import Query
from ..text import bigrams, normalize, positioned_runs
from .base import (
    ENTRY,
    META_COLUMNS,
    RANK_WINDOW,
    Backend,
    Filters,
    Matches,
    entry_filters,
    newest_key,
    oldest_key,
    year_of,
)

EXACT_LIMIT = 2000
VERIFY_LIMIT = 400  # phrase-check every candidate up to here; past it only what a page needs
FACET_SAMPLE = 500  # candidates whose themes stand for a large result
MAX_POSITION = 16383  # PostgreSQL keeps positions up to here; see docs/search.md
MAX_LEXEME_POSITIONS = 256  # and at most this many positions of one lexeme
FIELD_GAP = 10  # the body starts this far after the title's last token
BULK_LOAD = 10_000  # a rebuild of more articles into an empty table builds GIN once, at the end
GIN_INDEX = "articles_search_entry_tokens"


def author_tag(name: str) -> str:
    return "au" + normalize(name).encode().hex()


def theme_tag(theme_id: int) -> str:
    return f"th{theme_id}"


def year_tag(year: int) -> str:
    return f"yr{year}"


# --- Write ------------------------------------------------------------------------


def _position_strings(weight: str, upto: int) -> list[str]:
    """Return ``["0<weight>", "1<weight>", …]`` up to ``upto``, clamped at MAX_POSITION."""
    table = _POSITIONS[weight]
    if len(table) <= upto:
        # A longer copy, swapped in whole: a thread reading (or growing) the old table meanwhile stays right.
        table = table + [f"{min(p, MAX_POSITION)}{weight}" for p in range(len(table), upto + 1)]
        _POSITIONS[weight] = table
    return table


_POSITIONS: dict[str, list[str]] = {"A": [], "": []}


def tsvector_literal(title: str, body: str, tags) -> str:
    """Return the ``tsvector`` literal of an article (title positions weighted A).

    Lexemes appear in the order of their first occurrence, each with its
    positions in text order (at most MAX_LEXEME_POSITIONS), then the tags
    sorted. Position strings are slices of a table made once.
    """
    positions: dict = {}
    get = positions.get
    pos = 1
    for text, weight in ((title, "A"), (body, "")):
        found, end = positioned_runs(normalize(text), start=pos)
        if found:
            table = _position_strings(weight, min(end, MAX_POSITION + 1))
            last = len(table) - 1
            for tokens, at in found:
                stop = at + len(tokens)
                entries = table[at:stop] if stop <= last else [table[min(p, last)] for p in range(at, stop)]
                for token, entry in zip(tokens, entries, strict=True):
                    seen = get(token)
                    if seen is None:
                        positions[token] = [entry]
                    elif len(seen) < MAX_LEXEME_POSITIONS:
                        seen.append(entry)
        pos = end + FIELD_GAP
    parts = ["'" + token + "':" + ",".join(ps) for token, ps in positions.items()]
    parts += [f"'{t}'" for t in sorted(tags)]
    return " ".join(parts)


def entry_values(meta: tuple, title: str, body: str, *, authors, theme_ids, year) -> tuple:
    """Return one entry row: the entry columns, then the vector literal."""
    tags = {year_tag(year)}
    tags.update(author_tag(n) for n in authors)
    tags.update(theme_tag(t) for t in theme_ids)
    return (*meta, tsvector_literal(title, body, tags))


def write(cursor, values_list, *, replace=True):
    """Store entry rows from ``entry_values`` (replacing existing ones when ``replace``)."""
    sql = f"INSERT INTO {ENTRY} ({META_COLUMNS}, tokens) VALUES %s" + (
        " ON CONFLICT (article_id) DO UPDATE SET issue_date = EXCLUDED.issue_date, sort_key = EXCLUDED.sort_key,"
        " page_code = EXCLUDED.page_code, position = EXCLUDED.position, visible_from = EXCLUDED.visible_from,"
        " authors = EXCLUDED.authors, tokens = EXCLUDED.tokens"
        if replace
        else ""
    )
    execute_values(
        cursor.cursor, sql, values_list, template="(%s, %s, %s, %s, %s, %s, %s, %s::tsvector)", page_size=500
    )


def remove(cursor, ids):
    cursor.executemany(f"DELETE FROM {ENTRY} WHERE article_id = %s", [(i,) for i in ids])


def clear(cursor):
    cursor.execute(f"DELETE FROM {ENTRY}")


def drop_orphans(cursor):
    cursor.execute(
        f"DELETE FROM {ENTRY} WHERE NOT EXISTS (SELECT 1 FROM articles_article a WHERE a.id = {ENTRY}.article_id)"
    )


def stale(cursor, article_ids) -> list:
    """Return the entries among these whose text must be rebuilt after a date change.

    The year tag lives in the vector: an issue moved to another year needs new tokens.
    """
    cursor.execute(
        f"SELECT article_id FROM {ENTRY} WHERE article_id = ANY(%s)"
        " AND NOT tokens @@ ('yr' || extract(year FROM issue_date)::int)::tsquery",
        [list(article_ids)],
    )
    return [r[0] for r in cursor.fetchall()]


def before_load(cursor, *, total: int) -> bool:
    """Prepare a rebuild of ``total`` articles; return whether ``after_load`` has an index to build.

    Loading a large empty table without the GIN index and building it once
    at the end is several times faster than keeping it.
    """
    cursor.execute(f"SELECT count(*) FROM {ENTRY}")
    if cursor.fetchone()[0] or total <= BULK_LOAD:
        return False
    cursor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
    return True


def after_load(cursor, *, rebuilt_index: bool, progress):
    """Finish a rebuild: build the GIN index if ``before_load`` dropped it, and refresh statistics."""
    if rebuilt_index:
        progress("building the GIN index …")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON {ENTRY} USING gin (tokens)")
    cursor.execute(f"ANALYZE {ENTRY}")


# --- Read -------------------------------------------------------------------------


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def ts_part(part: str, *, phrase: bool) -> str:
    """Return the tsquery of one part: its bigrams in a row (or just all present), one character a prefix."""
    if len(part) == 1:
        return _lexeme(part) + ":*"
    return "(" + (" <-> " if phrase else " & ").join(map(_lexeme, bigrams(part))) + ")"


def _theme_facets(cursor, ids):
    """Return [(theme id, count)] over these article ids, most first."""
    # One array parameter: an ORM ``__in`` of thousands of ids costs more to build than to run.
    cursor.execute(
        "SELECT tag_id, count(*) AS n FROM articles_themedarticle WHERE content_object_id = ANY(%s)"
        " GROUP BY tag_id ORDER BY n DESC, tag_id",
        [list(ids)],
    )
    return cursor.fetchall()


class PostgreSQLBackend(Backend):
    def __init__(self, query: Query, filters: Filters):
        super().__init__(query, filters)
        tags = []
        if filters.author:
            tags.append(_lexeme(author_tag(filters.author)))
        if filters.theme_id:
            tags.append(_lexeme(theme_tag(filters.theme_id)))
        required = [ts_part(p, phrase=False) for t in query.required for p in t.parts]
        self.loose = " & ".join(required + tags)  # what GIN answers without reading vectors
        exact = [ts_part(p, phrase=True) for t in query.required for p in t.parts]
        self.rank_query = " & ".join(exact)
        for t in query.excluded:
            exact.append("!(" + " & ".join(ts_part(p, phrase=True) for p in t.parts) + ")")
        self.exact = " & ".join(exact + tags)
        self.recheck = self.exact != self.loose

    def _where(self, extra_tag=None):
        where, params = entry_filters(self.filters)
        if self.loose:
            q = self.loose + (f" & {_lexeme(extra_tag)}" if extra_tag else "")
            where.insert(0, "e.tokens @@ %s::tsquery")
            params.insert(0, q)
        elif extra_tag:
            year = int(extra_tag[2:])
            where += ["e.issue_date >= %s", "e.issue_date < %s"]
            params += [datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)]
        return " AND ".join(where), params

    def _exact(self, cursor, ids):
        """Keep the ids whose vectors match the exact query (phrases, exclusions)."""
        if not self.recheck or not ids:
            return ids
        cursor.execute(
            # The function form keeps the planner on the primary key: as an
            # operator it could choose GIN and recheck every phrase match.
            f"SELECT article_id FROM {ENTRY} WHERE article_id = ANY(%s) AND ts_match_vq(tokens, %s::tsquery)",
            [list(ids), self.exact],
        )
        keep = {r[0] for r in cursor.fetchall()}
        return [i for i in ids if i in keep]

    def _rank(self, cursor, rows, *, verify=False):
        """Return ``rows`` by rank (and, with ``verify``, only those matching exactly)."""
        if not self.rank_query or not rows:
            return rows
        check = " AND ts_match_vq(tokens, %s::tsquery)" if verify and self.recheck else ""
        cursor.execute(
            f"SELECT article_id, ts_rank_cd('{{0.1, 0.1, 0.1, 1.0}}', tokens, %s::tsquery, 1) FROM {ENTRY}"
            f" WHERE article_id = ANY(%s){check}",
            [self.rank_query, [r[0] for r in rows]] + ([self.exact] if check else []),
        )
        score = dict(cursor.fetchall())
        if check:
            rows = [r for r in rows if r[0] in score]
        return sorted(rows, key=lambda r: (-score.get(r[0], 0), *newest_key(r)))

    def page(self, sort, offset, limit, *, facets=True):
        with transaction.atomic(), connection.cursor() as cursor:
            if self.loose:
                # Stay on the GIN index: the vectors are out of line, so the
                # planner thinks a scan is cheap and reads every one of them.
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_indexscan = off")
            where, params = self._where()
            cursor.execute(
                f"SELECT e.article_id, e.issue_date, e.sort_key, e.position FROM {ENTRY} e WHERE {where} LIMIT %s",
                [*params, EXACT_LIMIT + 1],
            )
            sample = cursor.fetchall()
            if len(sample) <= EXACT_LIMIT:
                return self._small(cursor, sample, sort, offset, limit, facets)
            return self._large(cursor, sample, sort, offset, limit, facets)

    def _small(self, cursor, rows, sort, offset, limit, facets):
        rows = sorted(rows, key=oldest_key if sort == "oldest" else newest_key)
        ranked = sort == "relevance" and self.rank_query
        if self.recheck and len(rows) > VERIFY_LIMIT:
            return self._unverified(cursor, rows, ranked, offset, limit, facets)
        keep = set(self._exact(cursor, [r[0] for r in rows]))
        rows = [r for r in rows if r[0] in keep]
        if ranked:
            rows = self._rank(cursor, rows[:RANK_WINDOW]) + rows[RANK_WINDOW:]
        ids = [r[0] for r in rows]
        years, themes = [], []
        if facets and ids:
            years = sorted(Counter(year_of(r[1]) for r in rows).items(), reverse=True)
            themes = _theme_facets(cursor, ids)
        return Matches(ids=ids[offset : offset + limit], total=len(ids), years=years, themes=themes)

    def _unverified(self, cursor, rows, ranked, offset, limit, facets):
        """Page through loose candidates, checking phrases only as far as the page needs.

        Reading a vector costs far more than finding it; the count (all
        bigrams present, phrase not yet checked) is then an upper bound, shown as 约.
        """
        need = offset + limit + 1
        if ranked and offset < RANK_WINDOW:
            window = self._rank(cursor, rows[:RANK_WINDOW], verify=True)
            ordered = window + self._verified(cursor, rows[RANK_WINDOW:], need - len(window))
            checked_all = len(rows) <= RANK_WINDOW or len(ordered) < need
        else:
            ordered = self._verified(cursor, rows, need)
            checked_all = len(ordered) < need
        ids = [r[0] for r in ordered[offset : offset + limit]]
        total = len(ordered) if checked_all else len(rows)
        years, themes = [], []
        if facets:
            years = sorted(Counter(year_of(r[1]) for r in rows).items(), reverse=True)
            themes = _theme_facets(cursor, [r[0] for r in rows])
        return Matches(
            ids=ids,
            total=total,
            approximate=not checked_all,
            years=years,
            themes=themes,
            has_more=len(ordered) >= need,
            facets_approximate=True,
        )

    def _verified(self, cursor, rows, need):
        """Return the first ``need`` rows that match exactly, checking in growing chunks."""
        out, at, chunk = [], 0, max(need, 50)
        while len(out) < need and at < len(rows):
            part = rows[at : at + chunk]
            keep = set(self._exact(cursor, [r[0] for r in part]))
            out += [r for r in part if r[0] in keep]
            at += chunk
            chunk *= 2
        return out[:need] if len(out) > need else out

    def _years(self, cursor):
        cursor.execute("SET LOCAL enable_indexscan = on")
        cursor.execute(f"SELECT min(issue_date), max(issue_date) FROM {ENTRY}")
        first, last = cursor.fetchone()
        cursor.execute("SET LOCAL enable_indexscan = off")
        if first is None:
            return []
        lo = max(first.year, self.filters.start.year if self.filters.start else first.year)
        hi = min(last.year, self.filters.end.year if self.filters.end else last.year)
        return list(range(lo, hi + 1))

    def _walk(self, cursor, sort, need):
        """Return the first ``need`` exact matches in date order, reading a year at a time."""
        years = self._years(cursor)
        if sort != "oldest":
            years.reverse()
        order = "e.issue_date ASC" if sort == "oldest" else "e.issue_date DESC"
        out = []
        for year in years:
            where, params = self._where(extra_tag=year_tag(year))
            fetch = max(need - len(out), 20)
            while True:
                cursor.execute(
                    f"SELECT e.article_id, e.issue_date, e.sort_key, e.position FROM {ENTRY} e WHERE {where}"
                    f" ORDER BY {order}, e.sort_key, e.position, e.article_id LIMIT %s",
                    [*params, fetch],
                )
                rows = cursor.fetchall()
                keep = set(self._exact(cursor, [r[0] for r in rows]))
                got = [r for r in rows if r[0] in keep]
                if len(got) >= need - len(out) or len(rows) < fetch:
                    out += got[: need - len(out)]
                    break
                fetch *= 4
            if len(out) >= need:
                break
        return out

    def _estimate(self, cursor):
        """Return the planner's estimate of the matches.

        The planner multiplies the frequencies of the bigrams of a word as if
        they were independent, which they are not (律援 occurs almost only in
        法律援助); the rarest single bigram is the better estimate.
        """
        lexemes = [
            ts_part(token, phrase=False) for t in self.query.required for p in t.parts for token in bigrams(p) or [p]
        ][:8] or [None]
        estimates = []
        for lexeme in lexemes:
            where, params = entry_filters(self.filters)
            if lexeme:
                where.insert(0, "e.tokens @@ %s::tsquery")
                params.insert(0, lexeme)
            cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {ENTRY} e WHERE {' AND '.join(where)}", params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            estimates.append(int(plan[0]["Plan"]["Plan Rows"]))
        return min(estimates)

    def _span_estimate(self, cursor, sample):
        """Estimate the count from how much of the table the sample came from.

        GIN hands rows over in the table's physical order, which for an
        archive that is appended to follows the ids: 2,001 matches among the
        first fifth of the ids means about 10,000 in all.
        """
        cursor.execute("SET LOCAL enable_indexscan = on")
        cursor.execute(f"SELECT min(article_id), max(article_id) FROM {ENTRY}")
        first, last = cursor.fetchone()
        cursor.execute("SET LOCAL enable_indexscan = off")
        reached = max(r[0] for r in sample) - first + 1
        return round(len(sample) * (last - first + 1) / max(reached, 1))

    def _large(self, cursor, sample, sort, offset, limit, facets):
        need = offset + limit + 1  # one more tells whether a next page exists
        if sort == "relevance" and self.rank_query and offset < RANK_WINDOW:
            newest = self._walk(cursor, "newest", max(RANK_WINDOW, need))
            window = self._rank(cursor, newest[:RANK_WINDOW])
            rows = window + newest[RANK_WINDOW:]
        else:
            rows = self._walk(cursor, "oldest" if sort == "oldest" else "newest", need)
        ids = [r[0] for r in rows[offset : offset + limit]]
        if len(rows) < need:
            # The walk reached the end: the count is known exactly after all.
            total, approximate = len(rows), False
        else:
            estimate = max(self._estimate(cursor), self._span_estimate(cursor, sample))
            total, approximate = max(estimate, EXACT_LIMIT + 1, need), True
        years, themes = [], []
        if facets:
            # Facets of a large set are scaled from the sample the count read.
            scale = total / len(sample)
            years = sorted(
                ((y, round(n * scale)) for y, n in Counter(year_of(r[1]) for r in sample).items()), reverse=True
            )
            few = sample[:FACET_SAMPLE]
            themes = [(t, round(n * total / len(few))) for t, n in _theme_facets(cursor, [r[0] for r in few])]
        return Matches(
            ids=ids,
            total=total,
            approximate=approximate,
            years=years,
            themes=themes,
            has_more=len(rows) >= need,
            facets_approximate=True,
        )


def search(query: Query, filters: Filters) -> PostgreSQLBackend:
    return PostgreSQLBackend(query, filters)
