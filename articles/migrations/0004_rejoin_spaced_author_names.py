"""Read existing bylines again: a character printed alone joins the name after it.

Before, ``王 晓明`` (surname, space, given name) was stored as two authors,
``王、晓明``; so were ``欧阳 晓明`` and ``实习生 文 娟`` (role 文, author 娟).
``articles.bylines.parse_byline`` now reads them as one person (王晓明,
欧阳晓明, 文娟). This migration parses every byline again and updates
``byline_role``, ``author_title`` and ``author_names`` where they change.

It reads the articles in pk order, 2,000 at a time (keyset pages: no cursor
stays open while rows are written, which SQLite leaves undefined), and
writes only the changed ones, one UPDATE per batch (``_update``), each
batch in its own transaction with its index entries. Parsing
takes about 13 µs a byline; the time goes into indexing the changed
articles again, at the pace of ``rebuild_search_index``.

The search index holds the author names (the ``authors`` column used by the
author filter, the ``au…`` tags and the title text), so each changed article
is indexed again in the same batch. Should that fail (index code newer than
this migration), the stale entries are dropped instead and the migration
says so: then run

    python manage.py rebuild_search_index --missing

which indexes exactly the articles without an entry (``import_articles``
also does this at its start). A full ``rebuild_search_index`` is never
needed for this change. The page cache is moved on if anything changed.
"""

from django.db import DEFAULT_DB_ALIAS, migrations, transaction

BATCH = 2000
FIELDS = ("byline_role", "author_title", "author_names")


def _derived(byline):
    from articles.bylines import parse_byline

    parsed = parse_byline(byline)
    return parsed.role, parsed.title, "、".join(parsed.names)


def rejoin(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ThemedArticle = apps.get_model("articles", "ThemedArticle")
    db = schema_editor.connection.alias
    articles = Article.objects.using(db).exclude(byline="").order_by("pk")
    last, changed, unindexed = 0, 0, 0
    while True:
        rows = list(articles.filter(pk__gt=last).values_list("pk", "byline", *FIELDS)[:BATCH])
        if not rows:
            break
        last = rows[-1][0]
        updates = []
        for pk, byline, *old in rows:
            new = _derived(byline)
            if tuple(old) != new:
                updates.append((*new, pk))
        if updates:
            # Each batch commits with its index entries: editors are not locked
            # out of these articles for the whole run, and a run stopped half
            # way starts again where it was (rows already right are skipped).
            with transaction.atomic(using=db):
                _update(schema_editor.connection, Article._meta.db_table, updates)
                ids = [u[-1] for u in updates]
                for start in range(0, len(ids), 500):  # within any engine's limit of query parameters
                    unindexed += _reindex(Article, ThemedArticle, schema_editor.connection, ids[start : start + 500])
            changed += len(ids)
    if changed:
        from unionpaper.cache import bump_generation_now_and_on_commit

        bump_generation_now_and_on_commit()
    if unindexed:
        print(
            f"\n  {unindexed} 篇稿件的作者已更正，但未能重建其检索索引，已从索引中移除；"
            "请运行 python manage.py rebuild_search_index --missing"
        )


def _update(connection, table, updates):
    """Write (role, title, names, pk) rows in one statement per batch.

    Not ``bulk_update``: its ``CASE WHEN`` per field cost 0.5 ms a row here
    (500 s for a million changed rows); these take a few microseconds.
    """
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            execute_values(
                cursor.cursor,
                f"UPDATE {qn(table)} AS a SET {', '.join(f'{qn(f)} = v.{f}' for f in FIELDS)}"
                f" FROM (VALUES %s) AS v({', '.join(FIELDS)}, id) WHERE a.id = v.id",
                updates,
                page_size=500,
            )
        else:
            cursor.executemany(
                f"UPDATE {qn(table)} SET {', '.join(f'{qn(f)} = %s' for f in FIELDS)} WHERE id = %s", updates
            )


def _reindex(Article, ThemedArticle, connection, ids) -> int:
    """Index these articles again; return how many were dropped from the index instead."""
    from articles.search import index

    if connection.alias == DEFAULT_DB_ALIAS:  # the index module writes through the default connection
        try:
            with transaction.atomic(using=connection.alias):
                rows = list(
                    Article.objects.using(connection.alias).filter(pk__in=ids).order_by().values(*index.ROW_FIELDS)
                )
                themes = {}
                for article_id, tag_id in (
                    ThemedArticle.objects.using(connection.alias)
                    .filter(content_object_id__in=ids)
                    .values_list("content_object_id", "tag_id")
                ):
                    themes.setdefault(article_id, []).append(tag_id)
                # Only articles already in the index: one not yet indexed stays for --missing.
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT article_id FROM {index.ENTRY} WHERE article_id IN ({', '.join(['%s'] * len(ids))})",
                        ids,
                    )
                    indexed = {r[0] for r in cursor.fetchall()}
                index.write([index.entry_values(r, themes.get(r["id"], ())) for r in rows if r["id"] in indexed])
            return 0
        except Exception:
            pass
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM articles_search_entry WHERE article_id = %s", [(i,) for i in ids])
        if connection.vendor != "postgresql":
            cursor.executemany("DELETE FROM articles_search_fts WHERE rowid = %s", [(i,) for i in ids])
    return len(ids)


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch (see rejoin)

    dependencies = [("articles", "0003_theme_names_and_slugs")]

    operations = [
        migrations.RunPython(rejoin, migrations.RunPython.noop),
    ]
