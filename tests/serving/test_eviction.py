"""A cache that evicts only what expires (Redis ``volatile-ttl``) drops pages, never what makes them stale."""

import pytest
from django.core.cache import cache

from tests.serving.entries import cached, render
from unionpaper import cache_keys as ck

pytestmark = pytest.mark.django_db


def evict_expiring(*, keep=()):
    """Drop every entry that has an expiry, as Redis does under memory pressure with a ``volatile-*`` policy."""
    kept = {cache.make_key(name) for name in keep}
    # The local-memory cache keeps each key's expiry beside it (None: never expires).
    for key, expires in list(cache._expire_info.items()):
        if expires is not None and key not in kept:
            cache._cache.pop(key, None)
            cache._expire_info.pop(key, None)


def test_a_page_from_before_a_change_is_not_served_after_eviction_spared_it():
    render("p1", "article:1")
    ck.invalidate({"article:1"})
    # Eviction samples keys: the stale page may survive while other expiring entries go.
    evict_expiring(keep=["p1"])
    assert cached("p1") is None


def test_eviction_of_expiring_entries_leaves_the_clock_and_every_version():
    render("p1", "article:1")
    ck.invalidate({"article:1", "list:feeds"})
    tick = ck.clock()
    evict_expiring()
    assert ck.clock() == tick
    render("p2", "list:feeds")
    assert cached("p2").value == "html"
