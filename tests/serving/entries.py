"""Cache entries made and read as the page cache makes and reads them, for the tests of entries and eviction."""

from unionpaper import cache_keys as ck


def render(name, *keys, until=None, value="html"):
    """Make an entry as a page render would: tick first, then record what it shows, then store."""
    _, tick, _ = ck.lookup(name)
    with ck.recording() as deps:
        ck.depends_on_list(*keys)
        if until:
            ck.depends_until(until)
    return ck.store(name, value, deps, tick, timeout=60)


def cached(name, **kwargs):
    """Return the fresh entry stored under ``name``, or None."""
    return ck.lookup(name, **kwargs)[0]
