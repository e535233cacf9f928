"""Dependency keys: what a cached public page shows, and when a change makes it stale.

While a page renders, the selectors and views it calls declare what it shows:
``depends_on(article)`` for a row (``article:12``, ``page:34``,
``issue:2024-05-01``, ``theme:7``; for an article, what a list of headlines
shows of it), ``depends_on_text(article)`` for an article's full text and
everything else only its own view shows (``article-text:12``), and ``depends_on_list(LATEST_ISSUE)`` for a
list whose membership or order it shows (``list:latest-issue``,
``list:theme:7``, ``list:calendar:2024``, ``list:feeds``,
``list:sitemap:articles`` …). ``depends_until(when)`` adds a time after which
the page is no longer true (历史上的今天 at midnight). Every page also
depends on ``site``, which a deploy changes.

A change names the keys it touches (``articles.invalidation`` says which),
and ``changed(keys)`` gives each a new *version*: the next tick of one clock
shared by every process. A cached entry keeps the tick read before its
render began and the keys it recorded, and is fresh while every key's
version is no newer than that tick. A render that began before a change
committed read the old rows, so its tick is older than the version the
commit sets, and it is never served after the commit. Only the keys a change
names move: every other page stays cached.

The same keys go to a shared HTTP cache in front as surrogate keys
(``unionpaper.frontend_cache``), which purges them after the commit.
"""

import datetime
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction

from unionpaper import frontend_cache

CLOCK_KEY = "unionpaper:dep-clock"
VERSION_PREFIX = "unionpaper:dep:"
# Versions (and the clock) are kept with no expiry and every cached entry
# with one, so that a cache evicting only what expires (Redis
# ``maxmemory-policy volatile-ttl`` or ``volatile-lru``) drops pages and
# never a version: a missing version always means "never changed", and an
# entry made before a change can never outlive the change's version.
VERSION_SECONDS = None
# More keys than this in one change (a large import) touch the whole site instead.
MAX_KEYS_PER_CHANGE = 5000

SITE = "site"
LATEST_ISSUE = "list:latest-issue"
THEMES = "list:themes"
FEEDS = "list:feeds"
SEARCH = "list:search"
CALENDAR_YEARS = "list:calendar"
SITEMAP_INDEX = "list:sitemap"
SITEMAP_SECTIONS = ("sections", "issues", "pages", "articles", "themes")


def issue_key(date: datetime.date) -> str:
    return f"issue:{date.isoformat()}"


def issue_list(date: datetime.date) -> str:
    """The issue's public articles in reading order (上一篇/下一篇, the issue's contents)."""
    return f"list:issue:{date.isoformat()}"


def issue_pages_list(date: datetime.date) -> str:
    """The issue's pages in order (版面导航, 上一版/下一版)."""
    return f"list:issue-pages:{date.isoformat()}"


def issue_neighbours_list(date: datetime.date) -> str:
    """The published issues before and after the one of ``date`` (上一期/下一期)."""
    return f"list:issue-neighbours:{date.isoformat()}"


def page_list(page_id: int) -> str:
    """The public articles on a page, in order."""
    return f"list:page:{page_id}"


def photos_list(article_id: int) -> str:
    """The photos printed with an article, in order (its own view alone shows them)."""
    return f"list:photos:{article_id}"


def theme_list(theme_id: int) -> str:
    """The public articles of a theme, newest first (theme page, theme feed, related articles)."""
    return f"list:theme:{theme_id}"


def on_this_day_list(month: int, day: int) -> str:
    """The public articles of earlier years' issues of this month and day (历史上的今天)."""
    return f"list:on-this-day:{month:02d}-{day:02d}"


def calendar_list(year: int) -> str:
    """The published issues of a year (往期回顾)."""
    return f"list:calendar:{year}"


def sitemap_list(section: str) -> str:
    return f"list:sitemap:{section}"


def article_text_key(pk: int) -> str:
    """An article's full text and all else its own view alone shows (body, themes, time of its last change)."""
    return f"article-text:{pk}"


def key_for(obj) -> str:
    """Return the key of a row a page shows: ``article:12``, ``page:34``, ``issue:2024-05-01``, ``theme:7``.

    An article's key stands for what a list of headlines shows of it
    (``articles.invalidation.LISTED_FIELDS``); its full text has a key of its
    own (``article_text_key``).
    """
    name = obj._meta.model_name
    if name == "issue":
        return issue_key(obj.date)
    if name in ("article", "page", "theme"):
        if obj.pk is None:
            raise ValueError(f"an unsaved {name} has no key")
        return f"{name}:{obj.pk}"
    raise TypeError(f"no dependency key for {obj._meta.label}")


# --- What a page shows ---------------------------------------------------------------------------


@dataclass
class Dependencies:
    """The keys a render read, and the time after which its result is no longer true (epoch, or None)."""

    keys: set = field(default_factory=set)
    until: float | None = None

    def add_until(self, until: float | None) -> None:
        if until is not None and (self.until is None or until < self.until):
            self.until = until

    def merge(self, other: "Dependencies") -> None:
        self.keys |= other.keys
        self.add_until(other.until)


_recording: ContextVar[Dependencies | None] = ContextVar("unionpaper_dependencies", default=None)


@contextmanager
def recording(*, inherit: bool = True):
    """Record what is shown inside the block; an enclosing recording gets the same keys when it ends.

    Shared data built once for many pages records its own keys, and each page
    using it adds them to its own (``note(dependencies)``). With
    ``inherit=False`` the enclosing recording gets none of them: its page
    shows only part of what was built, and declares that part itself.
    """
    outer = _recording.get()
    deps = Dependencies()
    token = _recording.set(deps)
    try:
        yield deps
    finally:
        _recording.reset(token)
        if outer is not None and inherit:
            outer.merge(deps)


def note(deps: Dependencies) -> None:
    """Add keys recorded elsewhere (a cached piece of shared data) to the current recording."""
    current = _recording.get()
    if current is not None:
        current.merge(deps)


def depends_on(*objs) -> None:
    """Declare that the page being rendered shows these rows."""
    current = _recording.get()
    if current is not None:
        current.keys.update(key_for(obj) for obj in objs if obj is not None)


def depends_on_text(*articles) -> None:
    """Declare that the page being rendered shows these articles' full text (or another field lists do not show)."""
    current = _recording.get()
    if current is not None:
        current.keys.update(article_text_key(a.pk) for a in articles if a is not None)


def depends_on_list(*names: str) -> None:
    """Declare that the page being rendered shows the membership or order of these lists."""
    current = _recording.get()
    if current is not None:
        current.keys.update(names)


def depends_until(when) -> None:
    """Declare that what the page shows stops being true at ``when`` (a datetime or epoch seconds)."""
    current = _recording.get()
    if current is not None and when is not None:
        current.add_until(when.timestamp() if isinstance(when, datetime.datetime) else float(when))


# --- Versions ------------------------------------------------------------------------------------


def version_key(key: str) -> str:
    return f"{VERSION_PREFIX}{key}"


def clock() -> int:
    """Return the current tick: an entry whose render starts now is stamped with it."""
    tick = cache.get(CLOCK_KEY)
    return tick if tick is not None else _start_clock()


def _start_clock() -> int:
    # A clock lost with its cache starts again from the time in milliseconds,
    # which no earlier tick can have passed (changes come far less often).
    cache.add(CLOCK_KEY, int(time.time() * 1000), timeout=None)
    return cache.get(CLOCK_KEY)


def _advance() -> int:
    try:
        return cache.incr(CLOCK_KEY)
    except ValueError:  # no clock yet
        _start_clock()
        return cache.incr(CLOCK_KEY)


def invalidate(keys: Iterable[str]) -> int | None:
    """Give every key a new version now: entries made before this moment that show them are stale.

    Return the tick the keys now carry (None when there were none).
    """
    keys = set(keys)
    if not keys:
        return None
    if len(keys) > MAX_KEYS_PER_CHANGE:
        keys = {SITE}
    tick = _advance()
    stamp = (tick, time.time())
    cache.set_many({version_key(k): stamp for k in keys}, timeout=VERSION_SECONDS)
    return tick


def fresh(made_at: int, made_wall: float, keys: Iterable[str], versions: dict, *, settle: float = 0.0) -> bool:
    """Return True when an entry made at tick ``made_at`` still shows what ``keys`` stand for.

    ``versions`` holds what the cache has under ``version_key(k)`` (missing:
    unchanged). With ``settle`` (a read replica's lag), an entry made less
    than that long after a change of one of its keys is not trusted, since it
    may have been read from a replica that did not have the change yet.
    """
    for key in (SITE, *keys):
        stored = versions.get(version_key(key))
        if stored is None:
            continue
        tick, when = stored
        if tick > made_at or (settle and made_wall - when < settle):
            return False
    return True


# The keys last seen for each cached entry, per process, so that a hit
# fetches the entry and its versions in one round trip.
_KNOWN_LIMIT = 20000
_known_keys: "OrderedDict[str, tuple]" = OrderedDict()
_known_lock = threading.Lock()  # gunicorn may serve with threads


def _remember(name: str, keys: tuple) -> None:
    with _known_lock:
        _known_keys[name] = keys
        _known_keys.move_to_end(name)
        if len(_known_keys) > _KNOWN_LIMIT:
            _known_keys.popitem(last=False)


@dataclass
class Entry:
    """A cached value with what it depends on."""

    value: object
    made_at: int
    made_wall: float
    keys: tuple
    until: float | None

    def is_fresh(self, versions: dict, *, settle: float = 0.0) -> bool:
        if self.until is not None and time.time() >= self.until:
            return False
        return fresh(self.made_at, self.made_wall, self.keys, versions, settle=settle)


def lookup(name: str, *, settle: float = 0.0, also: Iterable[str] = ()) -> tuple[Entry | None, int, dict]:
    """Return the fresh entry under ``name`` (or None), the tick to stamp a new render with, and ``also``'s values.

    One round trip when this process has seen the entry's keys before; the
    tick comes from the same round trip, before any row is read.
    """
    hint = _known_keys.get(name, ())
    wanted = [CLOCK_KEY, name, version_key(SITE), *(version_key(k) for k in hint), *also]
    found = cache.get_many(wanted)
    tick = found.get(CLOCK_KEY)
    if tick is None:
        tick = _start_clock()
    entry = found.get(name)
    if not isinstance(entry, Entry) or not hasattr(entry, "until"):  # none, or kept by an older release
        return None, tick, found
    if entry.keys != hint:
        _remember(name, entry.keys)
        found.update(cache.get_many([version_key(k) for k in entry.keys if k not in hint]))
    return (entry if entry.is_fresh(found, settle=settle) else None), tick, found


def store(name: str, value, deps: Dependencies, made_at: int, *, timeout: int, made_wall: float | None = None) -> Entry:
    """Keep ``value`` under ``name`` with what it depends on, stamped with the tick read before it was made.

    ``made_wall`` (epoch, now unless told) is the moment its reads stand for,
    against which a read replica's lag is weighed.
    """
    keys = tuple(sorted(deps.keys))
    made_wall = time.time() if made_wall is None else made_wall
    entry = Entry(value=value, made_at=made_at, made_wall=made_wall, keys=keys, until=deps.until)
    if deps.until is not None:
        timeout = max(1, min(timeout, int(deps.until - time.time()) + 1))
    cache.set(name, entry, timeout=timeout)
    _remember(name, keys)
    return entry


# --- Changes -------------------------------------------------------------------------------------


class HeldKeys:
    """Hold the keys of many changes and move them once, at ``flush()``.

    For bulk writers such as the importer: changes made inside
    ``deferring()`` only add their keys here; readers may be served pages of
    before them until ``flush()``. Deferring never spans a ``yield`` of the
    caller's, so that the caller's own saves move their keys as usual.
    """

    def __init__(self):
        self.keys: set = set()

    @contextmanager
    def deferring(self):
        if _deferral.get() is not None:  # an outer holder flushes
            yield
            return
        token = _deferral.set(self)
        try:
            yield
        finally:
            _deferral.reset(token)

    def flush(self) -> None:
        keys, self.keys = self.keys, set()
        changed(keys)


_deferral: ContextVar[HeldKeys | None] = ContextVar("unionpaper_deferred_keys", default=None)


class _AtCommit:
    """What one transaction changed, and what was rendered inside it to be kept once it commits.

    Registered with ``transaction.on_commit`` at the transaction's first
    change, so that a rollback discards it with everything it holds.
    """

    def __init__(self):
        self.keys: set = set()
        self.ahead: list = []  # (name, value, deps, made_at, timeout, settle)
        self.done = False

    def __call__(self) -> None:
        if self.done:  # registered at each change: it runs once
            return
        self.done = True
        keys, self.keys = self.keys, set()
        ahead, self.ahead = self.ahead, []
        # The versions as they stand just before this commit's own move hides them.
        seen = cache.get_many([CLOCK_KEY, *_version_keys(ahead)]) if ahead else {}
        tick = invalidate(keys)
        if ahead:
            _keep_ahead(ahead, seen, tick)
        if keys:
            # Purged only once the app's own entries are stale (and those rendered
            # ahead are kept), so that the shared cache fetches what is new.
            purge_shared(keys)


_current = threading.local()


def _at_commit(connection) -> _AtCommit:
    """Return what the open transaction on ``connection`` holds for its commit.

    It is registered again at each call: a savepoint rolled back drops only
    the registrations made inside it.
    """
    pending = getattr(_current, "pending", None)
    registered = pending is not None and any(entry[1] is pending for entry in connection.run_on_commit)
    if not registered or pending.done:  # none yet, or it belonged to a transaction that ended
        pending = _current.pending = _AtCommit()
    transaction.on_commit(pending, using=connection.alias)
    return pending


# Called with a committed change's keys before a shared cache in front is purged of them
# (``dependency_cache.refresh_before_purge``): the app's own stale pages are rendered again first.
_before_purge: list = []


def before_purge(hook) -> None:
    """Register ``hook(keys)``, called with a committed change's keys before the shared cache is purged."""
    _before_purge[:] = [hook]


def purge_shared(keys) -> None:
    """Purge a committed change's keys from a shared cache in front, once the ``before_purge`` hook has run."""
    keys = keys if len(keys) <= MAX_KEYS_PER_CHANGE else {SITE}
    for hook in _before_purge:
        hook(keys)
    frontend_cache.purge(keys)


def changed(keys: Iterable[str], *, using=None) -> None:
    """Make the pages showing ``keys`` stale now, and again once the change commits.

    A page rendered between the change and its commit still shows the old
    rows; the second version keeps it from being served after the commit.
    The keys of every change in one transaction move together after it, in
    one purge of a shared HTTP cache. Inside ``deferring()`` the keys wait
    for the end of the block. Outside a transaction the change is committed
    already: its keys move once, and are purged.
    """
    keys = frozenset(keys)
    if not keys:
        return
    held = _deferral.get()
    if held is not None:
        held.keys |= keys
        return
    invalidate(keys)
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        purge_shared(keys)
        return
    _at_commit(connection).keys |= keys


def keep_after_commit(name: str, value, deps: Dependencies, made_at: int, *, timeout: int, settle=0.0, using=None):
    """Keep ``value`` under ``name`` once the open transaction commits, as if it had been made at that moment.

    For pages rendered ahead inside the transaction that publishes what they
    show (``dependency_cache.render_ahead``): they read the rows as they
    will be once it commits, so at the commit they are as fresh as a render
    begun then, and the first readers find them. ``made_at`` is the tick
    read before they were rendered: one whose keys another change moved
    since (committed while it was being rendered, which it may not have
    read) is not kept, and the next reader renders it. Nothing is kept if
    the transaction rolls back.
    """
    connection = transaction.get_connection(using)
    if not can_keep_after_commit(using=using):
        raise RuntimeError("keep_after_commit() needs an open transaction and no savepoint")
    _at_commit(connection).ahead.append((name, value, deps, made_at, timeout, settle))


def can_keep_after_commit(*, using=None) -> bool:
    """Return True inside a transaction's outermost block (no savepoint open, which could roll back alone)."""
    connection = transaction.get_connection(using)
    return connection.in_atomic_block and all(sid is None for sid in connection.savepoint_ids)


def _version_keys(ahead: list) -> set[str]:
    return {version_key(k) for _, _, deps, *_ in ahead for k in (SITE, *deps.keys)}


def _keep_ahead(ahead: list, seen: dict, tick: int | None) -> None:
    """Keep what was rendered ahead, stamped with the commit's own tick, unless a change may be missing from it.

    ``seen`` holds the clock and the versions read just before the commit's
    own move: a key moved after an entry's render began (by another process,
    or by this transaction after the render) means a change it may not have
    read. A tick other than the next one for the commit's move means a change
    in between whose versions were not seen: nothing is kept then.
    """
    if tick is None or seen.get(CLOCK_KEY) is None or tick != seen[CLOCK_KEY] + 1:
        return
    for name, value, deps, made_at, timeout, settle in ahead:
        moved = (seen.get(version_key(k)) for k in (SITE, *deps.keys))
        if any(v is not None and v[0] > made_at for v in moved):
            continue
        # Read from the primary inside the transaction: no replica's lag to wait for.
        store(name, value, deps, tick, timeout=timeout, made_wall=time.time() + settle)


def is_deferring() -> bool:
    """Return True inside ``deferring()``: the keys of each change are held, and may be coarse."""
    return _deferral.get() is not None


@contextmanager
def deferring():
    """Hold the keys of every change inside the block and move them once when it ends (even by an error).

    Inside another such block the outer one holds the keys.
    """
    held = HeldKeys()
    try:
        with held.deferring():
            yield
    finally:
        held.flush()
