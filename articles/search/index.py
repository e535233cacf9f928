"""The search index: one entry per article, kept beside the articles table.

PostgreSQL: ``articles_search_entry`` holds the filter and order columns and
a ``tsvector`` built here in Python (cast from its literal, never
``to_tsvector``, whose parser depends on the locale) with a GIN index.
SQLite: the same entry table without the vector, and an FTS5 table
``articles_search_fts`` (rowid = article id) fed the same tokens.
The tables are created by migration 0002; see docs/search.md.
"""

import html
import re
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from operator import add

from django.db import connection, transaction
from django.utils.html import strip_tags

from unionpaper.publishing import public_from

from .text import RUN_GAP, normalize, positioned_tokens, runs

ENTRY = "articles_search_entry"
FTS = "articles_search_fts"
MAX_POSITION = 16383  # PostgreSQL keeps positions up to here; see docs/search.md
FIELD_GAP = 10

_BLOCK_TAG = re.compile(r"</?(?:p|br|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|figure|figcaption|hr)\b[^>]*>", re.I)


def body_text(body_html: str) -> str:
    """Return the body as plain text, one line per paragraph."""
    return html.unescape(strip_tags(_BLOCK_TAG.sub("\n", body_html or ""))).replace("\xa0", " ")


def searchable_fields(row: dict) -> tuple[str, str]:
    """Return (title text, body text): what the index holds for an article row."""
    title = "\n".join(row[f] for f in ("kicker", "headline", "subtitle") if row.get(f))
    authors = (row.get("author_names") or "").replace("、", "\n")
    return "\n".join(p for p in (title, authors, row.get("byline") or "") if p), body_text(row.get("body"))


def visible_from(row: dict):
    """Return when the article becomes public, or None if it is not to be.

    ``Article.objects.published()`` with its time test left for query time
    (``visible_from <= now``), so scheduled articles appear without a rebuild.
    """
    return public_from((row["status"], row["publish_at"]), (row["page__issue__status"], row["page__issue__publish_at"]))


def author_tag(name: str) -> str:
    return "au" + normalize(name).encode().hex()


def theme_tag(theme_id: int) -> str:
    return f"th{theme_id}"


def year_tag(year: int) -> str:
    return f"yr{year}"


def _tokens(row: dict):
    """Yield (token, position, is_title) for the row's title then body."""
    title, body = searchable_fields(row)
    pos = 1
    for text, is_title in ((title, True), (body, False)):
        last = pos
        for token, position in positioned_tokens(normalize(text), start=pos):
            last = position
            yield token, position, is_title
        pos = last + FIELD_GAP


def _position_strings(weight: str, upto: int) -> list[str]:
    """Return ``["0<weight>", "1<weight>", …]`` up to ``upto``, clamped at MAX_POSITION."""
    table = _POSITIONS[weight]
    if len(table) <= upto:
        # A longer copy, swapped in whole: a thread reading (or growing) the old table meanwhile stays right.
        table = table + [f"{min(p, MAX_POSITION)}{weight}" for p in range(len(table), upto + 1)]
        _POSITIONS[weight] = table
    return table


_POSITIONS: dict[str, list[str]] = {"A": [], "": []}


def tsvector_literal(row: dict, theme_ids=()) -> str:
    """Return the ``tsvector`` literal for a row (title positions weighted A).

    Lexemes appear in the order of their first occurrence, each with its
    positions in text order (at most 256, as PostgreSQL keeps), then the tags
    sorted. Built per run rather than per character: a run's bigrams come from
    one ``map`` and its position strings are a slice of a table made once.
    """
    positions: dict = {}
    get = positions.get
    title, body = searchable_fields(row)
    pos = 1
    for text, weight in ((title, "A"), (body, "")):
        found_runs = runs(normalize(text))
        if found_runs:
            end = pos + sum(map(len, found_runs)) + RUN_GAP * len(found_runs)
            table = _position_strings(weight, min(end, MAX_POSITION + 1))
            last = len(table) - 1
            for run in found_runs:
                n = len(run)
                tokens = list(map(add, run, run[1:]))
                tokens.append(run[-1])
                stop = pos + n
                entries = table[pos:stop] if stop <= last else [table[min(p, last)] for p in range(pos, stop)]
                for token, entry in zip(tokens, entries):
                    found = get(token)
                    if found is None:
                        positions[token] = [entry]
                    elif len(found) < 256:
                        found.append(entry)
                pos += n - 1 + RUN_GAP
        pos += FIELD_GAP
    parts = ["'" + token + "':" + ",".join(ps) for token, ps in positions.items()]
    tags = {year_tag(row["page__issue__date"].year)}
    tags.update(author_tag(n) for n in (row.get("author_names") or "").split("、") if n)
    tags.update(theme_tag(t) for t in theme_ids)
    parts += [f"'{t}'" for t in sorted(tags)]
    return " ".join(parts)


def fts_columns(row: dict) -> tuple[str, str]:
    """Return the FTS5 (title, body) columns: tokens in position order."""
    title, body = [], []
    for token, _, is_title in _tokens(row):
        (title if is_title else body).append(token)
    return " ".join(title), " ".join(body)


ROW_FIELDS = (
    "id",
    "kicker",
    "headline",
    "subtitle",
    "byline",
    "author_names",
    "body",
    "status",
    "publish_at",
    "order",
    "page__code",
    "page__sort_key",
    "page__issue__date",
    "page__issue__status",
    "page__issue__publish_at",
)


def _rows(article_ids):
    from articles.models import Article, ThemedArticle

    rows = list(Article.objects.filter(id__in=article_ids).order_by().values(*ROW_FIELDS))
    themes = defaultdict(list)
    for article_id, tag_id in ThemedArticle.objects.filter(content_object_id__in=article_ids).values_list(
        "content_object_id", "tag_id"
    ):
        themes[article_id].append(tag_id)
    return rows, themes


def _meta(row):
    ops = connection.ops
    return (
        row["id"],
        ops.adapt_datefield_value(row["page__issue__date"]),
        row["page__sort_key"],
        row["page__code"],
        row["order"],
        ops.adapt_datetimefield_value(visible_from(row)),
        "、" + "、".join(n for n in (row.get("author_names") or "").split("、") if n) + "、",
    )


def entry_values(row, theme_ids):
    """Return the values of one entry row for this engine (used by rebuild too)."""
    meta = _meta(row)
    if connection.vendor == "postgresql":
        return meta + (tsvector_literal(row, theme_ids),)
    return meta + fts_columns(row)


META_COLUMNS = "article_id, issue_date, sort_key, page_code, position, visible_from, authors"


def write(values_list, *, replace=True):
    """Store prepared entry values (from ``entry_values``)."""
    if not values_list:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"INSERT INTO {ENTRY} ({META_COLUMNS}, tokens) VALUES %s" + (
                " ON CONFLICT (article_id) DO UPDATE SET issue_date = EXCLUDED.issue_date, sort_key = EXCLUDED.sort_key,"
                " page_code = EXCLUDED.page_code, position = EXCLUDED.position, visible_from = EXCLUDED.visible_from,"
                " authors = EXCLUDED.authors, tokens = EXCLUDED.tokens"
                if replace
                else ""
            )
            from psycopg2.extras import execute_values

            execute_values(
                cursor.cursor, sql, values_list, template="(%s, %s, %s, %s, %s, %s, %s, %s::tsvector)", page_size=500
            )
        else:
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


_pending: ContextVar[set | None] = ContextVar("search_index_pending", default=None)


@contextmanager
def deferred():
    """Collect index updates made inside the block and index each article once at its end.

    For bulk writers such as the importer: saving an article and then its
    themes would otherwise index it twice. Run it inside the writer's
    transaction so the index commits (or rolls back) with the rows.

    Yields the set of article ids to be indexed at the end. A writer that
    indexes some of them itself after the commit (the importer, a chunk of
    files at a time) may take them out; ``index_missing()`` is its repair
    path should it be killed in between.
    """
    outer = _pending.get()
    if outer is not None:  # already deferring: the outer block indexes
        yield outer
        return
    pending: set = set()
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)
    update(pending)


def update(article_ids):
    """Index these articles again (deleted ones are dropped)."""
    article_ids = list(article_ids)
    if not article_ids:
        return
    pending = _pending.get()
    if pending is not None:
        pending.update(article_ids)
        return
    with transaction.atomic():
        rows, themes = _rows(article_ids)
        remove(set(article_ids) - {r["id"] for r in rows})
        write([entry_values(r, themes.get(r["id"], ())) for r in rows])


def update_committed(article_ids):
    """Index articles whose rows are committed but not yet indexed, in one transaction.

    For a bulk writer that indexes a batch after its transactions (the
    importer). Cached public pages start afresh afterwards, as after any
    content change: search results show these articles only from now on.
    """
    article_ids = list(article_ids)
    if not article_ids:
        return
    update(article_ids)
    _pages_changed()


def _pages_changed():
    from unionpaper.cache import bump_generation_now_and_on_commit

    bump_generation_now_and_on_commit()


def remove(article_ids):
    """Drop these articles from the index."""
    ids = [(i,) for i in article_ids]
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {ENTRY} WHERE article_id = %s", ids)
        if connection.vendor != "postgresql":
            cursor.executemany(f"DELETE FROM {FTS} WHERE rowid = %s", ids)


def refresh_meta(article_ids):
    """Update date, page and visibility of these entries (their text is unchanged)."""
    from articles.models import Article

    article_ids = list(article_ids)
    rows = Article.objects.filter(id__in=article_ids).order_by().values(*(f for f in ROW_FIELDS if f != "body"))
    values = [_meta(r)[1:6] + (r["id"],) for r in rows]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {ENTRY} SET issue_date = %s, sort_key = %s, page_code = %s, position = %s, visible_from = %s"
            " WHERE article_id = %s",
            values,
        )
    if connection.vendor == "postgresql":
        # The year tag lives in the vector: an issue moved to another year needs new tokens.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT article_id FROM {ENTRY} WHERE article_id = ANY(%s)"
                " AND NOT tokens @@ ('yr' || extract(year FROM issue_date)::int)::tsquery",
                [article_ids],
            )
            stale = [r[0] for r in cursor.fetchall()]
        update(stale)


def drop_orphans(conn=None):
    """Delete entries whose article no longer exists (after a flush or raw SQL)."""
    conn = conn or connection
    with conn.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {ENTRY} WHERE NOT EXISTS (SELECT 1 FROM articles_article a WHERE a.id = {ENTRY}.article_id)"
        )
        if conn.vendor != "postgresql":
            cursor.execute(f"DELETE FROM {FTS} WHERE rowid NOT IN (SELECT article_id FROM {ENTRY})")


def indexed_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {ENTRY}")
        return cursor.fetchone()[0]


def missing_ids() -> list[int]:
    """Return the ids of articles that have no index entry, in id order."""
    from articles.models import Article

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id FROM {Article._meta.db_table} a WHERE NOT EXISTS"
            f" (SELECT 1 FROM {ENTRY} e WHERE e.article_id = a.id) ORDER BY a.id"
        )
        return [r[0] for r in cursor.fetchall()]


def index_missing(batch_size=1000) -> int:
    """Index the articles that have no entry (a writer killed before indexing); return how many."""
    ids = missing_ids()
    for start in range(0, len(ids), batch_size):
        update_committed(ids[start : start + batch_size])
    return len(ids)


def _prepare(batch):
    """Return entry values for a batch of article ids (runs in worker processes)."""
    rows, themes = _rows(batch)
    return [entry_values(r, themes.get(r["id"], ())) for r in rows]


def rebuild(*, missing_only=False, batch_size=1000, workers=1, progress=None):
    """Index every article (or only those not yet indexed); return the count.

    On an empty PostgreSQL table the GIN index is dropped while loading and
    built once at the end, which is several times faster than keeping it.
    """
    from articles.models import Article

    progress = progress or (lambda message: None)
    if not missing_only:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {ENTRY}")
            if connection.vendor != "postgresql":
                cursor.execute(f"DELETE FROM {FTS}")
    ids = missing_ids() if missing_only else list(Article.objects.order_by("id").values_list("id", flat=True))
    total = len(ids)
    bulk = connection.vendor == "postgresql" and indexed_count() == 0 and total > 10_000
    if bulk:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS articles_search_entry_tokens")
    batches = [ids[i : i + batch_size] for i in range(0, total, batch_size)]
    done = 0
    if workers > 1:
        import multiprocessing

        connection.close()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for values in pool.imap(_prepare, batches):
                write(values, replace=missing_only)
                done += len(values)
                progress(f"indexed {done:,} / {total:,}")
    else:
        for batch in batches:
            values = _prepare(batch)
            with transaction.atomic():
                write(values, replace=missing_only)
            done += len(values)
            progress(f"indexed {done:,} / {total:,}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if bulk:
                progress("building the GIN index …")
                cursor.execute("SET maintenance_work_mem = '512MB'")
                cursor.execute(f"CREATE INDEX IF NOT EXISTS articles_search_entry_tokens ON {ENTRY} USING gin (tokens)")
            cursor.execute(f"ANALYZE {ENTRY}")
    _pages_changed()  # cached search pages were made from the old index
    return done
