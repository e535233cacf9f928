"""Create the search index tables (PostgreSQL tsvector + GIN, or SQLite FTS5).

The index is not a Django model: its vector is built in Python and its SQL
differs per engine; ``articles.search.index`` reads and writes it. After
migrating an existing archive, run ``manage.py rebuild_search_index``.
"""

from django.db import migrations

POSTGRESQL = [
    """CREATE TABLE articles_search_entry (
        article_id bigint PRIMARY KEY,
        issue_date date NOT NULL,
        sort_key varchar(24) NOT NULL,
        page_code varchar(12) NOT NULL,
        position integer NOT NULL,
        visible_from timestamp with time zone NULL,
        authors text NOT NULL DEFAULT '',
        tokens tsvector NOT NULL
    )""",
    "CREATE INDEX articles_search_entry_tokens ON articles_search_entry USING gin (tokens)",
    "CREATE INDEX articles_search_entry_newest ON articles_search_entry (issue_date DESC, sort_key, position, article_id)",
    # Vectors live out of line (TOAST), so the table looks tiny to the planner;
    # keep autovacuum's statistics fresh enough for the GIN estimates.
    "ALTER TABLE articles_search_entry SET (autovacuum_analyze_scale_factor = 0.02)",
]
SQLITE = [
    """CREATE TABLE articles_search_entry (
        article_id integer PRIMARY KEY,
        issue_date date NOT NULL,
        sort_key varchar(24) NOT NULL,
        page_code varchar(12) NOT NULL,
        position integer NOT NULL,
        visible_from datetime NULL,
        authors text NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX articles_search_entry_newest ON articles_search_entry (issue_date DESC, sort_key, position, article_id)",
    "CREATE VIRTUAL TABLE articles_search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0')",
]


def create(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS articles_search_entry")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS articles_search_fts")


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        migrations.RunPython(create, drop),
    ]
