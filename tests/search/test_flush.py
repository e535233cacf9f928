"""Entries of articles emptied by flush (live-server tests do this) are not counted later."""

from django.core.management import call_command

from articles.search import index, results
from tests.factories import make_article


def test_flush_leaves_no_orphan_entries(transactional_db):
    make_article(headline="清空前", body="<p>孤儿条目检查</p>")
    assert index.indexed_count() == 1
    call_command("flush", interactive=False, verbosity=0)
    assert index.indexed_count() == 0
    assert results.run({"q": "孤儿条目"}).matches.total == 0
