"""A cached entry stays fresh until one of the keys it recorded changes."""

import time

import pytest
from django.db import transaction

from tests.factories import make_article, make_issue, make_page
from tests.serving.entries import cached, render
from unionpaper import cache_keys as ck

pytestmark = pytest.mark.django_db


def test_an_entry_stays_fresh_while_none_of_its_keys_changes():
    render("p1", "article:1", "list:feeds")
    ck.invalidate({"article:2", "list:theme:3"})
    assert cached("p1").value == "html"


def test_changing_one_key_makes_stale_exactly_the_entries_that_recorded_it():
    render("p1", "article:1", "page:1")
    render("p2", "article:2", "page:1")
    render("p3", "article:3", "page:2")
    ck.invalidate({"article:1"})
    assert cached("p1") is None
    assert cached("p2") is not None and cached("p3") is not None
    ck.invalidate({"page:1"})
    assert cached("p2") is None and cached("p3") is not None


def test_a_render_that_began_before_a_change_is_stale_even_if_stored_after_it():
    _, tick, _ = ck.lookup("p1")
    ck.invalidate({"article:1"})  # committed while the page was rendering
    with ck.recording() as deps:
        ck.depends_on_list("article:1")
    ck.store("p1", "old html", deps, tick, timeout=60)
    assert cached("p1") is None


def test_a_change_inside_a_transaction_is_made_again_when_it_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ck.changed({"article:1"})
        render("p1", "article:1")  # rendered after the change, before its commit: still the old rows
        assert cached("p1") is not None
    assert cached("p1") is None


def test_keys_recorded_by_shared_data_count_for_the_page_that_uses_it():
    with ck.recording() as page:
        ck.depends_on_list("list:latest-issue")
        with ck.recording() as shared:
            ck.depends_on_list("list:issue:2024-05-01")
        ck.note(shared)  # a later page finding the shared data in the cache
    assert page.keys == {"list:latest-issue", "list:issue:2024-05-01"}


def test_rows_are_keyed_by_what_readers_know_them_by():
    issue = make_issue()
    page = make_page(issue, "A01")
    article = make_article(page)
    with ck.recording() as deps:
        ck.depends_on(issue, page, article, None)
    assert deps.keys == {f"issue:{issue.date.isoformat()}", f"page:{page.pk}", f"article:{article.pk}"}


def test_an_entry_true_until_a_time_is_stale_from_that_time():
    render("home", "list:latest-issue", until=time.time() + 0.2)
    assert cached("home") is not None
    time.sleep(0.25)
    assert cached("home") is None


def test_the_site_key_makes_every_entry_stale():
    render("p1", "article:1")
    render("p2", "list:feeds")
    ck.invalidate({ck.SITE})
    assert cached("p1") is None and cached("p2") is None


def test_with_a_replica_an_entry_made_just_after_a_change_is_not_trusted():
    ck.invalidate({"article:1"})
    render("p1", "article:1")
    assert cached("p1", settle=5) is None
    assert cached("p1") is not None


def test_many_changes_in_a_deferring_block_move_their_keys_once_at_its_end():
    render("p1", "article:1")
    with ck.deferring():
        ck.changed({"article:1"})
        ck.changed({"article:2"})
        assert cached("p1") is not None
    assert cached("p1") is None


def test_an_entry_is_found_in_one_round_trip_once_its_keys_are_known(monkeypatch):
    render("p1", "article:1", "page:1")
    from django.core.cache import cache

    calls = []
    original = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: calls.append(keys) or original(keys))
    assert cached("p1") is not None
    assert len(calls) == 1


def test_keys_held_across_many_blocks_move_at_flush_only():
    render("p1", "article:1")
    held = ck.HeldKeys()
    for n in range(3):  # one block per imported file
        with held.deferring():
            ck.changed({f"article:{n}"})
    assert cached("p1") is not None
    held.flush()
    assert cached("p1") is None
