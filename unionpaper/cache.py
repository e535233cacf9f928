"""Whole-page caching of the public site, invalidated when content changes.

Every public page depends on a single *content generation*: the time of the
last change to any issue, page, article, photo or theme. Saving, deleting,
publishing or unpublishing any of them moves the generation on, so no page is
ever served stale; a newspaper changes a few hundred times a day and is read
far more often, so starting every page afresh after a change costs little.

A scheduled publication changes what pages show without any save: the time
of the next scheduled publication is kept beside the generation, and the first
request after it moves the generation on. No cron job or worker is needed.

Readers' browsers revalidate with ``If-None-Match``/``If-Modified-Since`` and
get ``304 Not Modified`` while the generation stands.

Beneath the page cache, ``shared()`` keeps what many different pages show
alike (an issue's pages and reading order, the newest articles of a set of
themes, 历史上的今天, the theme counts) under the same generation. A page not
yet in the page cache (a new URL, a search's ``?q=``, or the first visit
after a change) then runs only the queries that belong to it alone.

The cache must be shared by every process that serves the site (Redis via
``CACHE_URL=redis://…`` in production); Django's local-memory cache is only
right for a single process such as ``runserver``.
"""

import hashlib
import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils import translation
from django.utils.http import http_date

from unionpaper.paths import UNCACHED_PREFIXES
from unionpaper.publishing import next_publication_time

logger = logging.getLogger(__name__)

GENERATION_KEY = "unionpaper:content-generation"
NEXT_DUE_KEY = "unionpaper:next-publication"
PAGE_KEY_PREFIX = "unionpaper:page"
SHARED_KEY_PREFIX = "unionpaper:shared"
NEVER = "never"

# The generation read once per request; a dict only while a request is served.
_request_generation: ContextVar[dict | None] = ContextVar("unionpaper_request_generation", default=None)
# The DeferredBumps holding this context's bumps, if any.
_deferred_bumps: ContextVar["DeferredBumps | None"] = ContextVar("unionpaper_deferred_bumps", default=None)


def content_generation() -> float:
    """Return the time of the last content change (creating it if unknown)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = time.time()
        cache.add(GENERATION_KEY, value, timeout=None)
        value = cache.get(GENERATION_KEY, value)
    return value


def bump_generation(**_signal_kwargs) -> None:
    """Start every public page afresh: something it may show has changed."""
    cache.set(GENERATION_KEY, time.time(), timeout=None)
    cache.delete(NEXT_DUE_KEY)
    memo = _request_generation.get()
    if memo is not None:
        memo.pop("generation", None)


def bump_generation_now_and_on_commit(**_signal_kwargs) -> None:
    """Bump now, and again once the change is committed.

    A page rendered between the change and its commit still shows the old
    content; the second bump keeps it from being served under the new
    generation. While a ``DeferredBumps`` is deferring, the bump waits for
    its ``flush()``.
    """
    deferred = _deferred_bumps.get()
    if deferred is not None:
        deferred.pending = True
        return
    bump_generation()
    transaction.on_commit(bump_generation)


class DeferredBumps:
    """Hold the bumps of many saves and make one at ``flush()``.

    For bulk writers such as the importer, whose every saved article would
    otherwise cost four round trips to Redis. Saves made inside
    ``deferring()`` only mark a bump as due; readers may be served the pages
    of before them until ``flush()`` (the importer flushes after each chunk
    of files, well under a second).
    """

    def __init__(self):
        self.pending = False

    @contextmanager
    def deferring(self):
        if _deferred_bumps.get() is not None:  # an outer holder flushes
            yield
            return
        token = _deferred_bumps.set(self)
        try:
            yield
        finally:
            _deferred_bumps.reset(token)

    def flush(self):
        if self.pending:
            self.pending = False
            bump_generation_now_and_on_commit()


def _next_publication_time() -> float | None:
    """Return the epoch time of the next scheduled publication, or None.

    Asked of the primary: a lagging replica may not have the schedule just saved.
    """
    upcoming = next_publication_time(using=DEFAULT_DB_ALIAS)
    return upcoming.timestamp() if upcoming else None


def _generation_and(*keys: str) -> tuple[float, dict]:
    """Return the generation and whatever the cache holds under ``keys``, in one round trip.

    The generation is first moved on if a scheduled publication has come
    due. Inside a request it is read once and kept for the rest of that
    request, however many parts of the page are shared. The next
    publication time is stored with the generation it was found in: one
    found before a change (which may have scheduled something new) does not
    count after it.
    """
    memo = _request_generation.get()
    if memo is not None and "generation" in memo:
        return memo["generation"], cache.get_many(keys) if keys else {}
    found = cache.get_many([NEXT_DUE_KEY, GENERATION_KEY, *keys])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = content_generation()
    stored = found.get(NEXT_DUE_KEY)
    due = stored[1] if isinstance(stored, tuple) and stored[0] == generation else None
    if due is not None and due != NEVER and time.time() >= due:
        bump_generation()
        generation, due = content_generation(), None
    if due is None:
        upcoming = _next_publication_time()
        cache.set(NEXT_DUE_KEY, (generation, upcoming if upcoming is not None else NEVER), timeout=None)
    if memo is not None:
        memo["generation"] = generation
    return generation, found


def _settled(generation: float) -> bool:
    """Return False while a read replica may not yet have the change that made ``generation``.

    What is read from the replica then may be older than the generation, so
    it is shown but not kept (``REPLICA_LAG_SECONDS``, 0 without a replica).
    """
    return time.time() - generation >= getattr(settings, "REPLICA_LAG_SECONDS", 0)


def shared(name: str, build):
    """Return ``build()``, built once per content generation and kept for every process.

    For what several public pages show alike; ``name`` says what it is and
    for which rows (``"issue-pages:12"``). Anything a change could alter must
    be saved through the models, whose signals move the generation on. Never
    for previews of unpublished content: callers build those afresh. Kept
    under its name with the generation it was built in, so a newer one
    replaces it, as pages do.
    """
    if not getattr(settings, "PUBLIC_DATA_CACHE", True):
        return build()
    if len(name) > 100 or not name.isascii():  # keys any cache backend takes
        name = hashlib.sha256(name.encode()).hexdigest()
    key = f"{SHARED_KEY_PREFIX}:{name}"
    generation, found = _generation_and(key)
    stored = found.get(key)
    if stored is not None and stored[0] == generation:
        return stored[1]
    value = build()
    if _settled(generation):
        cache.set(key, (generation, value), timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
    return value


def _cacheable_request(request) -> bool:
    return (
        getattr(settings, "PUBLIC_PAGE_CACHE", True)
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(UNCACHED_PREFIXES)
        # Signed-in staff may be previewing unpublished pages: never share those.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _cacheable_response(response) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in control for word in ("private", "no-cache", "no-store"))
    )


def _key(request) -> str:
    # The language LocaleMiddleware (further in) will choose from the cookie or Accept-Language.
    raw = f"{request.get_full_path()}|{translation.get_language_from_request(request)}"
    return f"{PAGE_KEY_PREFIX}:{hashlib.sha256(raw.encode()).hexdigest()}"


class PublicPageCacheMiddleware:
    """Serve public pages from the shared cache; answer revalidations with 304."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_generation.set({})
        try:
            return self._respond(request)
        finally:
            _request_generation.reset(token)

    def _respond(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        # A Host outside ALLOWED_HOSTS is refused (400) before any cached page is served,
        # as it is for a page the cache does not hold.
        request.get_host()
        # One round trip: the generation, and this URL's page with the generation it was made in.
        key = _key(request)
        generation, found = _generation_and(key)
        stored = found.get(key)
        if stored is not None and stored[0] == generation:
            response = stored[1]
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _cacheable_response(response):
            self._mark(response, generation)
            if _settled(generation):
                # Stored under the URL alone: a page of an earlier generation is replaced, not kept beside it.
                cache.set(key, (generation, response), timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def _mark(response, generation: float):
        if not response.has_header("ETag"):
            digest = hashlib.sha256(response.content).hexdigest()[:32]
            response["ETag"] = f'"{digest}"'
        response["Last-Modified"] = http_date(generation)
        # Browsers and proxies revalidate every time; the answer is usually 304.
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
        response["X-Page-Cache"] = "miss"


def start_afresh_after_migrate(**_signal_kwargs) -> None:
    """A deploy runs ``migrate``: pages and shared data of the old code must not outlive it.

    Cached pages hold the old templates' HTML and shared data the old models'
    pickled rows; moving the generation on makes every process build them anew.
    A release job that cannot reach the cache still migrates, with a warning.
    """
    try:
        bump_generation()
    except Exception as exc:  # the cache backend's own connection errors
        logger.warning(
            "migrate could not start cached pages afresh (%s: %s); run it again once the cache answers",
            type(exc).__name__,
            exc,
        )


def bump_on_changes_of(*models) -> None:
    """Move the generation on whenever a row of ``models`` is saved or deleted.

    Each app calls this from its ``AppConfig.ready()`` for the models a public page may show.
    """
    for model in models:
        post_save.connect(
            bump_generation_now_and_on_commit, sender=model, dispatch_uid=f"page-cache-save-{model.__name__}"
        )
        post_delete.connect(
            bump_generation_now_and_on_commit, sender=model, dispatch_uid=f"page-cache-delete-{model.__name__}"
        )


def bump_on_relation_changes_of(through, *, dispatch_uid: str) -> None:
    """Move the generation on whenever the many-to-many relation ``through`` changes."""
    m2m_changed.connect(bump_generation_now_and_on_commit, sender=through, dispatch_uid=dispatch_uid)


def start_afresh_after_migrate_of(app_config) -> None:
    """Move the generation on at the end of every ``migrate``.

    Sent once per app at the end of every migrate, even one with nothing to
    apply: one app's signal is enough.
    """
    post_migrate.connect(start_afresh_after_migrate, sender=app_config, dispatch_uid="page-cache-migrate")
