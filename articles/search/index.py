"""The search index: one entry per article, kept beside the articles table.

What an entry holds and when it is written, the same for every engine;
the SQL that stores it is the backend's (``backends.sqlite``,
``backends.postgres``). The tables are created by migration 0002; see
docs/search.md.
"""

import multiprocessing
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction

from unionpaper import cache_keys as ck
from unionpaper.publishing import public_from

from ..models import Article, ThemedArticle
from ..text import plain_text
from .backends import for_connection
from .backends.base import ENTRY

__all__ = [
    "ENTRY",
    "ROW_FIELDS",
    "deferred",
    "drop_orphans",
    "entry_values",
    "index_missing",
    "indexed_count",
    "missing_ids",
    "rebuild",
    "refresh_meta",
    "remove",
    "update",
    "update_committed",
    "write",
]


def searchable_fields(row: dict) -> tuple[str, str]:
    """Return (title text, body text): what the index holds for an article row."""
    title = "\n".join(row[f] for f in ("kicker", "headline", "subtitle") if row.get(f))
    authors = (row.get("author_names") or "").replace("、", "\n")
    return "\n".join(p for p in (title, authors, row.get("byline") or "") if p), plain_text(row.get("body"))


def visible_from(row: dict):
    """Return when the article becomes public, or None if it is not to be.

    ``Article.objects.published()`` with its time test left for query time
    (``visible_from <= now``), so scheduled articles appear without a rebuild.
    A story in the pool (no page) or in the 回收站 is never public.
    """
    if row["page__code"] is None or row.get("trashed_at") is not None:
        return None
    return public_from((row["status"], row["publish_at"]), (row["page__issue__status"], row["page__issue__publish_at"]))


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
    "created_at",
)
# Read beside ROW_FIELDS by this module only: older migrations read ROW_FIELDS of models that lack them.
STATE_FIELDS = ("trashed_at",)


def _issue_date(row):
    """Return the date an entry sorts by: its issue's, or the day a story in the pool was filed."""
    return row["page__issue__date"] or row["created_at"].date()


def _rows(article_ids):
    rows = list(Article.objects.filter(id__in=article_ids).order_by().values(*ROW_FIELDS, *STATE_FIELDS))
    themes = defaultdict(list)
    for article_id, tag_id in ThemedArticle.objects.filter(content_object_id__in=article_ids).values_list(
        "content_object_id", "tag_id"
    ):
        themes[article_id].append(tag_id)
    return rows, themes


def _authors(row) -> list[str]:
    return [n for n in (row.get("author_names") or "").split("、") if n]


def _meta(row):
    ops = connection.ops
    return (
        row["id"],
        ops.adapt_datefield_value(_issue_date(row)),
        row["page__sort_key"] or "",
        row["page__code"] or "",
        row["order"],
        ops.adapt_datetimefield_value(visible_from(row)),
        "、" + "、".join(_authors(row)) + "、",
    )


def entry_values(row, theme_ids):
    """Return the values of one entry row for this engine (``write`` stores them)."""
    title, body = searchable_fields(row)
    return for_connection().entry_values(
        _meta(row), title, body, authors=_authors(row), theme_ids=theme_ids, year=_issue_date(row).year
    )


def write(values_list, *, replace=True):
    """Store prepared entry values (from ``entry_values``)."""
    if not values_list:
        return
    with connection.cursor() as cursor:
        for_connection().write(cursor, values_list, replace=replace)


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
    importer). Cached search pages start afresh afterwards: they show these
    articles only from now on. Every other page showing them was refreshed
    by the saves that wrote them.
    """
    article_ids = list(article_ids)
    if not article_ids:
        return
    update(article_ids)
    ck.changed({ck.SEARCH})


def remove(article_ids):
    """Drop these articles from the index."""
    ids = list(article_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        for_connection().remove(cursor, ids)


def refresh_meta(article_ids):
    """Update date, page and visibility of these entries (their text is unchanged)."""
    article_ids = list(article_ids)
    fields = (*(f for f in ROW_FIELDS if f != "body"), *STATE_FIELDS)
    rows = Article.objects.filter(id__in=article_ids).order_by().values(*fields)
    values = [(*_meta(r)[1:6], r["id"]) for r in rows]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {ENTRY} SET issue_date = %s, sort_key = %s, page_code = %s, position = %s, visible_from = %s"
            " WHERE article_id = %s",
            values,
        )
        stale = for_connection().stale(cursor, article_ids)
    update(stale)


def drop_orphans(conn=None):
    """Delete entries whose article no longer exists (after a flush or raw SQL)."""
    conn = conn or connection
    with conn.cursor() as cursor:
        for_connection(conn).drop_orphans(cursor)


def indexed_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {ENTRY}")
        return cursor.fetchone()[0]


def missing_ids() -> list[int]:
    """Return the ids of articles that have no index entry, in id order."""
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
    """Index every article (or only those not yet indexed); return the count."""
    progress = progress or (lambda message: None)
    engine = for_connection()
    if not missing_only:
        with connection.cursor() as cursor:
            engine.clear(cursor)
    ids = missing_ids() if missing_only else list(Article.objects.order_by("id").values_list("id", flat=True))
    total = len(ids)
    with connection.cursor() as cursor:
        rebuilt_index = engine.before_load(cursor, total=total)
    batches = [ids[i : i + batch_size] for i in range(0, total, batch_size)]
    done = 0
    if workers > 1:
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
    with connection.cursor() as cursor:
        engine.after_load(cursor, rebuilt_index=rebuilt_index, progress=progress)
    ck.changed({ck.SEARCH})  # cached search pages were made from the old index; no other page reads it
    return done
