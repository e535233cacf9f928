"""Whole public pages and shared data, cached until something they show changes (``unionpaper.cache_keys``).

A page is rendered inside a recording of what it shows; it is kept with
those keys and the tick read before its render, and served while none of
its keys has moved since. A burst of misses of one URL renders it once
(``unionpaper.single_flight``). A page that recorded nothing is not kept:
what it shows could change without any key saying so.

Scheduled publication needs no cron job: the time of the next one is kept
beside the clock, and the first request after it moves the keys of what
came due (``articles.invalidation.keys_coming_due``, registered with
``when_scheduled_comes_due``). A shared HTTP cache in front is told to keep
a page no longer than that time, so that the request reaching the app then
comes.

Pages a transaction makes public (a new issue's) can be rendered ahead,
inside it, and kept from the moment it commits (``render_ahead``), so that
the readers arriving as it goes live find them.
"""

import datetime
import hashlib
import io
import logging
import pickle
import sys
import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.db import DEFAULT_DB_ALIAS
from django.utils import translation
from django.utils.http import http_date

from unionpaper import cache_keys as ck
from unionpaper import db_routers, frontend_cache, sandbox, single_flight
from unionpaper.links import public_host
from unionpaper.paths import UNCACHED_PREFIXES
from unionpaper.publishing import next_publication_time

SCHEDULE_KEY = "unionpaper:schedule"
SHARED_KEY_PREFIX = "unionpaper:shared"
NEVER = "never"

logger = logging.getLogger("unionpaper.render")

# What this request has learnt of the schedule; a dict only while a request is served.
_request: ContextVar[dict | None] = ContextVar("unionpaper_dependency_request", default=None)
_coming_due = []


@dataclass
class _Ahead:
    """Pages being rendered ahead inside a transaction (``render_ahead``)."""

    tick: int  # read before the first of them
    shared: dict = field(default_factory=dict)  # shared data built meanwhile: key -> (pickled value, keys, until)
    kept: list = field(default_factory=list)  # the paths to be kept at the commit


_ahead: ContextVar[_Ahead | None] = ContextVar("unionpaper_render_ahead", default=None)
# Who names the pages rendered again before a shared cache is purged (``when_purging_refresh``).
_pages_showing: list = []
REFRESHED_BEFORE_PURGE = 20
_refreshing: ContextVar[bool] = ContextVar("unionpaper_refreshing_before_purge", default=False)


def when_scheduled_comes_due(keys_coming_due) -> None:
    """Register ``keys_coming_due(start, end, using=…)``: the keys of what became public by itself in (start, end]."""
    _coming_due[:] = [keys_coming_due]


def _settle() -> float:
    return getattr(settings, "REPLICA_LAG_SECONDS", 0)


def _schedule(found: dict, tick: int) -> tuple[float | None, bool]:
    """Return the next scheduled publication (epoch, None for none) and whether keys were just moved.

    The stored time counts only under the tick it was found at: one looked up
    before a change (which may have scheduled something) is looked up again.
    Asked of the primary: a lagging replica may not have the schedule just saved.
    """
    memo = _request.get()
    if memo is not None and "due" in memo:
        return memo["due"], False
    stored = found.get(SCHEDULE_KEY)
    due = stored[1] if isinstance(stored, tuple) and stored[0] == tick else None
    moved = False
    if due is not None and due != NEVER and time.time() >= due:
        start = datetime.datetime.fromtimestamp(due - 0.001, tz=datetime.UTC)
        end = datetime.datetime.now(tz=datetime.UTC)
        keys = _coming_due[0](start, end, using=DEFAULT_DB_ALIAS) if _coming_due else {ck.SITE}
        if keys:
            ck.changed(keys, using=DEFAULT_DB_ALIAS)
            moved = True
        tick, due = ck.clock(), None
    if due is None:
        upcoming = next_publication_time(using=DEFAULT_DB_ALIAS)
        due = upcoming.timestamp() if upcoming else NEVER
        cache.set(SCHEDULE_KEY, (tick, due), timeout=None)
    due = None if due == NEVER else due
    if memo is not None:
        memo["due"] = due
    return due, moved


def _lookup(name: str):
    """Return the fresh entry under ``name`` (or None), the tick for a new render, and the next scheduled time."""
    entry, tick, found = ck.lookup(name, settle=_settle(), also=(SCHEDULE_KEY,))
    due, moved = _schedule(found, tick)
    if moved:  # what came due may be on this very entry
        entry, tick, _ = ck.lookup(name, settle=_settle())
    return entry, tick, due


def shared(name: str, build, *, whole: bool = True):
    """Return ``build()``, kept for every process until one of the keys it recorded changes.

    For what several public pages show alike; ``name`` says what and for
    which rows (``"issue-pages:12"``). A page using a kept value records
    its keys too, as it shows the whole of it; with ``whole=False`` the page
    shows only a part (上一篇/下一篇 of an issue's reading order) and its
    caller declares that part itself. Never for previews of unpublished content.
    """
    if not getattr(settings, "PUBLIC_DATA_CACHE", True) or sandbox.active():
        return build()
    if len(name) > 100 or not name.isascii():  # keys any cache backend takes
        name = hashlib.sha256(name.encode()).hexdigest()
    key = f"{SHARED_KEY_PREFIX}:{name}"
    ahead = _ahead.get()
    if ahead is not None:
        return _shared_ahead(ahead, key, build, whole)
    entry, tick, _ = _lookup(key)
    if entry is None:
        # Many pages missing at once (a new issue going live) need the same shared data: one builds it.
        entry = single_flight.run(
            key,
            lookup=lambda: ck.lookup(key, settle=_settle())[0],
            render=lambda: _build(key, build, tick),
            label=name,
            what="build",
        )
    if whole:
        ck.note(ck.Dependencies(set(entry.keys), entry.until))
    return entry.value


def _shared_ahead(ahead: _Ahead, key: str, build, whole: bool):
    """Return shared data for a page rendered ahead: built from this transaction's rows, kept only once it commits.

    Never taken from the cache (it may not show what this transaction
    changed) nor put there before the commit (others would be shown what is
    not committed yet); each page rendered ahead gets its own copy, as from the cache.
    """
    if key not in ahead.shared:
        with ck.recording(inherit=False) as deps:
            value = build()
        ahead.shared[key] = (_pickled(value), frozenset(deps.keys), deps.until)
        if deps.keys:
            timeout = settings.PUBLIC_PAGE_CACHE_SECONDS
            ck.keep_after_commit(key, _copy(value), deps, ahead.tick, timeout=timeout, settle=_settle())
    data, keys, until = ahead.shared[key]
    if whole:
        ck.note(ck.Dependencies(set(keys), until))
    return pickle.loads(data)


def _pickled(value) -> bytes:
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _copy(value):
    """Return ``value`` as the cache would give it back: a copy no later change of the original reaches."""
    return pickle.loads(_pickled(value))


def _build(key: str, build, tick: int) -> ck.Entry:
    """Return ``build()`` as an entry, kept under ``key`` when it recorded what it shows."""
    with ck.recording(inherit=False) as deps:
        value = build()
    if deps.keys:
        return ck.store(key, value, deps, tick, timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
    return ck.Entry(value=value, made_at=tick, made_wall=time.time(), keys=(), until=deps.until)


def cacheable_request(request) -> bool:
    return (
        getattr(settings, "PUBLIC_PAGE_CACHE", True)
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(UNCACHED_PREFIXES)
        # Signed-in staff may be previewing unpublished pages: never share those.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def cacheable_response(response) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in control for word in ("private", "no-cache", "no-store"))
    )


def page_key(request) -> str:
    # The language LocaleMiddleware (further in) will choose from the cookie or Accept-Language.
    raw = f"{request.get_full_path()}|{translation.get_language_from_request(request)}"
    return f"unionpaper:page:{hashlib.sha256(raw.encode()).hexdigest()}"


def _tag(response, keys, until: float | None, due: float | None) -> None:
    """Give the shared HTTP cache the page's keys and a lifetime ending at the first time it stops being true."""
    ends = [t for t in (until, due) if t is not None]
    max_age = min(ends) - time.time() if ends else None
    frontend_cache.tag_response(response, {ck.SITE, *keys}, max_age=max_age)


def serve(request, get_response):
    """Answer ``request`` from the cache, or render it (once per burst) and keep it with what it shows."""
    key = page_key(request)
    entry, tick, due = _lookup(key)
    if entry is not None:
        response = entry.value
        response["X-Page-Cache"] = "hit"
        _tag(response, entry.keys, entry.until, due)
        return response

    def render():
        with ck.recording() as deps:
            response = get_response(request)
        if cacheable_response(response) and deps.keys:
            _mark(response)
            _tag(response, deps.keys, deps.until, due)
            ck.store(key, response, deps, tick, timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    def stored():
        found, _, _ = ck.lookup(key, settle=_settle())
        if found is None:
            return None
        found.value["X-Page-Cache"] = "hit"
        _tag(found.value, found.keys, found.until, due)
        return found.value

    return single_flight.run(key, lookup=stored, render=render, label=request.get_full_path())


def _mark(response) -> None:
    if not response.has_header("ETag"):
        digest = hashlib.sha256(response.content).hexdigest()[:32]
        response["ETag"] = f'"{digest}"'
    response["Last-Modified"] = http_date(time.time())
    # Browsers revalidate every time; the answer is usually 304.
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    response["X-Page-Cache"] = "miss"


def rendering_ahead() -> bool:
    """Return True while pages are rendered ahead inside a transaction (``render_ahead``)."""
    return _ahead.get() is not None


def render_ahead(paths, *, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Render public pages inside the open transaction, to be kept from the moment it commits; return those kept.

    For a transaction that makes pages public (publishing an issue): the
    readers arriving as it goes live would otherwise all miss the same new
    pages at once. Each path is asked for as an anonymous reader would ask,
    through the site's middleware, reading this transaction's rows from the
    primary. A page is kept at the commit only if nothing it shows changed
    since its render began (``cache_keys.keep_after_commit``); shared data
    built meanwhile is kept the same way, and nobody is shown any of it
    before the commit. Renders are logged on ``unionpaper.render`` as
    ``render <path> (ahead)``.

    Does nothing with the page cache off, outside a transaction's outermost
    block (a savepoint could roll back alone), or when ``ALLOWED_HOSTS``
    names no host to ask for.
    """
    page_cache = getattr(settings, "PUBLIC_PAGE_CACHE", True)
    if not page_cache or sandbox.active() or not ck.can_keep_after_commit(using=using):
        return []
    host = public_host()
    if host is None:
        return []
    handler = BaseHandler()
    handler.load_middleware()
    state = _Ahead(tick=ck.clock())
    token = _ahead.set(state)
    try:
        # The caller's language stays its own whatever the readers' requests activate.
        with db_routers.reading_primary(), translation.override(translation.get_language()):
            for path in paths:
                started = time.monotonic()
                handler.get_response(_reader_request(path, host))
                logger.info("render %s (ahead) %.0f ms", path, (time.monotonic() - started) * 1000)
    finally:
        _ahead.reset(token)
    return state.kept


def when_purging_refresh(pages_showing) -> None:
    """Register ``pages_showing(keys)``: the public paths that chiefly show what a change of ``keys`` touched.

    With a shared HTTP cache in front, those pages are rendered again once the
    change commits and before the shared cache is purged (``refresh_before_purge``).
    """
    _pages_showing[:] = [pages_showing]
    ck.before_purge(refresh_before_purge)


def refresh_before_purge(keys) -> list[str]:
    """Render again the chief pages showing a committed change, before a shared cache in front is purged of it.

    The purge empties the shared cache of every page carrying the keys; its
    next request for each is a miss to the app, and every reader asking for
    that page meanwhile waits for it. Rendered here first, from the rows as
    committed and read from the primary, the app answers that miss from its
    own cache at once. Only the pages ``pages_showing`` names (an article's
    own view, a page's view; at most ``REFRESHED_BEFORE_PURGE``) are rendered; the
    others showing the keys are rendered by the first reader who asks, as
    without a shared cache. Nothing is done without a shared cache, with the
    page cache off, inside a sandbox, while rendering ahead, or when the whole
    site starts afresh (``site``: a deploy or a migration, whose schema may be
    half-made). A render that fails is logged and never stops the purge.
    """
    if not frontend_cache.backends() or not getattr(settings, "PUBLIC_PAGE_CACHE", True):
        return []
    if sandbox.active() or rendering_ahead() or _refreshing.get() or not _pages_showing:
        return []
    if ck.SITE in keys:  # the whole site starts afresh (a deploy, a migration): its readers render it
        return []
    host = public_host()
    if host is None:
        return []
    paths = list(dict.fromkeys(path for pages_showing in _pages_showing for path in pages_showing(keys)))
    paths = paths[:REFRESHED_BEFORE_PURGE]
    if not paths:
        return []
    handler = BaseHandler()
    handler.load_middleware()
    token = _refreshing.set(True)  # a change made while rendering (a due copy applied) refreshes nothing more
    try:
        with db_routers.reading_primary(), translation.override(translation.get_language()):
            for path in paths:
                try:
                    handler.get_response(_reader_request(path, host))
                except Exception:  # the purge must go out whatever a render does
                    logger.exception("rendering %s before purging the shared cache failed", path)
    finally:
        _refreshing.reset(token)
    return paths


def _reader_request(path: str, host: str) -> WSGIRequest:
    """Return the request of an anonymous reader asking for ``path`` (no cookie, no language asked for)."""
    secure = bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path.encode().decode("iso-8859-1"),  # as a WSGI server passes it
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "443" if secure else "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "https" if secure else "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if secure and proxy_header:
        environ[proxy_header[0]] = proxy_header[1]
    return WSGIRequest(environ)


def _render_ahead(request, get_response, ahead: _Ahead):
    with ck.recording() as deps:
        response = get_response(request)
    if cacheable_request(request) and cacheable_response(response) and deps.keys:
        _mark(response)
        timeout = settings.PUBLIC_PAGE_CACHE_SECONDS
        ck.keep_after_commit(page_key(request), _copy(response), deps, ahead.tick, timeout=timeout, settle=_settle())
        ahead.kept.append(request.path)
    return response


class DependencyPageCacheMiddleware:
    """Serve public pages from the shared cache until what they show changes; answer revalidations with 304."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set({})
        try:
            ahead = _ahead.get()
            if ahead is not None:
                return _render_ahead(request, self.get_response, ahead)
            if not cacheable_request(request):
                return self.get_response(request)
            # A Host outside ALLOWED_HOSTS is refused (400) before any cached page is served,
            # as it is for a page the cache does not hold.
            request.get_host()
            return serve(request, self.get_response)
        finally:
            _request.reset(token)
