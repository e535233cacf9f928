"""Whole-page caching of the public site, kept until what a page shows changes.

Pages, and the data many of them share, are kept with the dependency keys
they recorded (``unionpaper.cache_keys``) and served until one of those keys
moves; a change moves only the keys of what it touches
(``articles.invalidation``), so every page that does not show it stays
cached. The mechanism is ``unionpaper.dependency_cache``; the design, and
the guarantee that no page showing a committed change is served from before
it, are in ``docs/caching.md``. This module keeps the names the rest of the
project uses.

The cache must be shared by every process that serves the site (Redis via
``CACHE_URL=redis://…`` in production); Django's local-memory cache is only
right for a single process such as ``runserver``.
"""

import logging

from django.db.models.signals import post_migrate

from unionpaper import cache_keys as ck
from unionpaper.dependency_cache import DependencyPageCacheMiddleware, shared

__all__ = [
    "DeferredBumps",
    "PublicPageCacheMiddleware",
    "bump_generation",
    "bump_generation_now_and_on_commit",
    "shared",
    "start_afresh_after_migrate",
    "start_afresh_after_migrate_of",
]

logger = logging.getLogger(__name__)


class PublicPageCacheMiddleware(DependencyPageCacheMiddleware):
    """Serve public pages from the shared cache until what they show changes; answer revalidations with 304."""


# Holds the keys of a bulk writer's saves and moves them at ``flush()``.
DeferredBumps = ck.HeldKeys


def bump_generation(**_signal_kwargs) -> None:
    """Start every public page afresh now (the whole site's key)."""
    ck.invalidate({ck.SITE})


def bump_generation_now_and_on_commit(**_signal_kwargs) -> None:
    """Start every public page afresh, now and once the change commits (data migrations, index rebuilds)."""
    ck.changed({ck.SITE})


def start_afresh_after_migrate(**_signal_kwargs) -> None:
    """A deploy runs ``migrate``: pages and shared data of the old code must not outlive it.

    Cached pages hold the old templates' HTML and shared data the old models'
    pickled rows; moving the whole site's key makes every process build them
    anew, and a shared HTTP cache in front is purged of them.
    A release job that cannot reach the cache still migrates, with a warning.
    """
    try:
        ck.changed({ck.SITE})
    except Exception as exc:  # the cache backend's own connection errors
        logger.warning(
            "migrate could not start cached pages afresh (%s: %s); run it again once the cache answers",
            type(exc).__name__,
            exc,
        )


def start_afresh_after_migrate_of(app_config) -> None:
    """Start the site afresh at the end of every ``migrate``.

    Sent once per app at the end of every migrate, even one with nothing to
    apply: one app's signal is enough.
    """
    post_migrate.connect(start_afresh_after_migrate, sender=app_config, dispatch_uid="page-cache-migrate")
