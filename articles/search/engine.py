"""Run a parsed query against the index: matches, count, order, facets.

Orders: ``newest`` (issue date, then page and position: reading order),
``oldest``, and ``relevance``: the newest RANK_WINDOW matches ranked by the
engine (``ts_rank_cd`` / ``bm25``, headline, kicker, subtitle and authors
weighted ten times the body), then the remaining matches newest first. The
window keeps ranking bounded for terms found in half the archive.

PostgreSQL counts exactly up to EXACT_LIMIT matches; past that the count
and the facets are estimates (shown as 约…条) and results are read year by
year from the newest (or oldest), so a page costs the same for any term.
"""

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from issues.models import page_sort_key

from . import index
from .query import Query

EXACT_LIMIT = 2000
VERIFY_LIMIT = 400
FACET_SAMPLE = 500  # candidates whose themes stand for a large result  # phrase-check every candidate up to here; past it only what a page needs
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


def _now_value():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _date_value(d):
    return connection.ops.adapt_datefield_value(d)


def _newest_key(row):
    # row: (id, issue_date, sort_key, position)
    return (-_ordinal(row[1]), row[2], row[3], row[0])


def _oldest_key(row):
    return (_ordinal(row[1]), row[2], row[3], row[0])


def _ordinal(value):
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    return value.toordinal()


def _year(value):
    return int(str(value)[:4])


def _entry_filters(filters: Filters, alias="e"):
    """Return SQL conditions and params for the filters kept as entry columns."""
    if filters.include_unpublished:
        sql, params = [f"{alias}.article_id IS NOT NULL"], []
    else:
        sql, params = [f"{alias}.visible_from <= %s"], [_now_value()]
    if filters.start:
        sql.append(f"{alias}.issue_date >= %s")
        params.append(_date_value(filters.start))
    if filters.end:
        sql.append(f"{alias}.issue_date <= %s")
        params.append(_date_value(filters.end))
    if filters.page_code:
        # By sort key, as the page view matches codes: A1, a01 and A01 are the same page.
        sql.append(f"{alias}.sort_key = %s")
        params.append(page_sort_key(filters.page_code))
    return sql, params


def _theme_facets(cursor, ids):
    """Return [(theme id, count)] over these article ids, most first (PostgreSQL)."""
    # One array parameter: an ORM ``__in`` of thousands of ids costs more to build than to run.
    cursor.execute(
        "SELECT tag_id, count(*) AS n FROM articles_themedarticle WHERE content_object_id = ANY(%s)"
        " GROUP BY tag_id ORDER BY n DESC, tag_id",
        [list(ids)],
    )
    return cursor.fetchall()


def _chunks(seq, size=900):
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


class Backend:
    def __init__(self, query: Query, filters: Filters):
        self.query = query
        self.filters = filters

    def page(self, sort, offset, limit, *, facets=True) -> Matches:
        raise NotImplementedError

    def ordered_ids(self, sort, limit=MAX_RESULTS) -> list:
        return self.page(sort, 0, limit, facets=False).ids


# --- SQLite: FTS5 fed the same bigrams -----------------------------------------


def fts_phrase(part: str) -> str:
    if len(part) == 1:
        return f'"{part}" *'
    return '"' + " ".join(part[i : i + 2] for i in range(len(part) - 1)) + '"'


def fts_match(query: Query) -> str:
    """Return the FTS5 MATCH expression (every part quoted: no operator gets through)."""

    def term(t):
        return "(" + " AND ".join(fts_phrase(p) for p in t.parts) + ")"

    expr = " AND ".join(term(t) for t in query.required)
    for t in query.excluded:
        expr += f" NOT {term(t)}"
    return expr


class SQLiteBackend(Backend):
    def _base(self):
        where, params = _entry_filters(self.filters)
        if self.filters.author:
            where.append("e.authors LIKE %s ESCAPE '\\'")
            params.append("%、" + _like_escape(self.filters.author) + "、%")
        if self.filters.theme_id:
            where.append(
                "EXISTS (SELECT 1 FROM articles_themedarticle t WHERE t.content_object_id = e.article_id AND t.tag_id = %s)"
            )
            params.append(self.filters.theme_id)
        if self.query.required:
            source = f"{index.FTS} f JOIN {index.ENTRY} e ON e.article_id = f.rowid"
            where.insert(0, f"{index.FTS} MATCH %s")
            params.insert(0, fts_match(self.query))
            rank = f"bm25({index.FTS}, 10.0, 1.0)"
        else:
            source, rank = f"{index.ENTRY} e", "0"
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
                    f"SELECT substr(e.issue_date, 1, 4) AS y, count(*) FROM {source} WHERE {where} GROUP BY y ORDER BY y DESC",
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
                    params + [RANK_WINDOW],
                )
                window = cursor.fetchall()
                window.sort(key=lambda r: (r[4],) + _newest_key(r))  # bm25: lower is better
                ids = [r[0] for r in window[offset : offset + limit]]
                if offset + limit > len(window) and total > len(window):
                    cursor.execute(
                        f"SELECT e.article_id FROM {source} WHERE {where} ORDER BY {newest} LIMIT %s OFFSET %s",
                        params + [offset + limit - len(window), len(window)],
                    )
                    ids += [r[0] for r in cursor.fetchall()]
            else:
                cursor.execute(
                    f"SELECT e.article_id FROM {source} WHERE {where} ORDER BY {oldest if sort == 'oldest' else newest}"
                    " LIMIT %s OFFSET %s",
                    params + [limit, offset],
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


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- PostgreSQL: bigram tsvector with a GIN index --------------------------------


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def ts_part(part: str, *, phrase: bool) -> str:
    if len(part) == 1:
        return _lexeme(part) + ":*"
    bigrams = [_lexeme(part[i : i + 2]) for i in range(len(part) - 1)]
    return "(" + (" <-> " if phrase else " & ").join(bigrams) + ")"


class PostgreSQLBackend(Backend):
    def __init__(self, query, filters):
        super().__init__(query, filters)
        tags = []
        if filters.author:
            tags.append(_lexeme(index.author_tag(filters.author)))
        if filters.theme_id:
            tags.append(_lexeme(index.theme_tag(filters.theme_id)))
        required = [ts_part(p, phrase=False) for t in query.required for p in t.parts]
        self.loose = " & ".join(required + tags)  # what GIN answers without reading vectors
        exact = [ts_part(p, phrase=True) for t in query.required for p in t.parts]
        self.rank_query = " & ".join(exact)
        for t in query.excluded:
            exact.append("!(" + " & ".join(ts_part(p, phrase=True) for p in t.parts) + ")")
        self.exact = " & ".join(exact + tags)
        self.recheck = self.exact != self.loose

    def _where(self, extra_tag=None):
        where, params = _entry_filters(self.filters)
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
            f"SELECT article_id FROM {index.ENTRY} WHERE article_id = ANY(%s) AND ts_match_vq(tokens, %s::tsquery)",
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
            f"SELECT article_id, ts_rank_cd('{{0.1, 0.1, 0.1, 1.0}}', tokens, %s::tsquery, 1) FROM {index.ENTRY}"
            f" WHERE article_id = ANY(%s){check}",
            [self.rank_query, [r[0] for r in rows]] + ([self.exact] if check else []),
        )
        score = dict(cursor.fetchall())
        if check:
            rows = [r for r in rows if r[0] in score]
        return sorted(rows, key=lambda r: (-score.get(r[0], 0),) + _newest_key(r))

    def page(self, sort, offset, limit, *, facets=True):
        with transaction.atomic(), connection.cursor() as cursor:
            if self.loose:
                # Stay on the GIN index: the vectors are out of line, so the
                # planner thinks a scan is cheap and reads every one of them.
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_indexscan = off")
            where, params = self._where()
            cursor.execute(
                f"SELECT e.article_id, e.issue_date, e.sort_key, e.position FROM {index.ENTRY} e WHERE {where} LIMIT %s",
                params + [EXACT_LIMIT + 1],
            )
            sample = cursor.fetchall()
            if len(sample) <= EXACT_LIMIT:
                return self._small(cursor, sample, sort, offset, limit, facets)
            return self._large(cursor, sample, sort, offset, limit, facets)

    def _small(self, cursor, rows, sort, offset, limit, facets):
        rows = sorted(rows, key=_oldest_key if sort == "oldest" else _newest_key)
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
            years = sorted(Counter(_year(r[1]) for r in rows).items(), reverse=True)
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
            years = sorted(Counter(_year(r[1]) for r in rows).items(), reverse=True)
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
        cursor.execute(f"SELECT min(issue_date), max(issue_date) FROM {index.ENTRY}")
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
            where, params = self._where(extra_tag=index.year_tag(year))
            fetch = max(need - len(out), 20)
            while True:
                cursor.execute(
                    f"SELECT e.article_id, e.issue_date, e.sort_key, e.position FROM {index.ENTRY} e WHERE {where}"
                    f" ORDER BY {order}, e.sort_key, e.position, e.article_id LIMIT %s",
                    params + [fetch],
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
            ts_part(p[i : i + 2], phrase=False)
            for t in self.query.required
            for p in t.parts
            for i in range(max(len(p) - 1, 1))
        ][:8] or [None]
        estimates = []
        for lexeme in lexemes:
            where, params = _entry_filters(self.filters)
            if lexeme:
                where.insert(0, "e.tokens @@ %s::tsquery")
                params.insert(0, lexeme)
            cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {index.ENTRY} e WHERE {' AND '.join(where)}", params)
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
        cursor.execute(f"SELECT min(article_id), max(article_id) FROM {index.ENTRY}")
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
                ((y, round(n * scale)) for y, n in Counter(_year(r[1]) for r in sample).items()), reverse=True
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


def backend(query: Query, filters: Filters) -> Backend:
    cls = PostgreSQLBackend if connection.vendor == "postgresql" else SQLiteBackend
    return cls(query, filters)
