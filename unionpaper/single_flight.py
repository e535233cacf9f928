"""One render per burst: when many requests miss the same entry at once, one renders it and the others wait.

The first to miss takes a lock in the shared cache (``add``, which only one
process can win: Redis ``SET NX``, or the local-memory cache's own lock) and
renders; its caller stores the result where ``lookup`` finds it. The others
poll ``lookup`` for a short while and serve what it finds. If the lock goes
away with nothing stored (the result was not for keeping: a 404, a preview)
or the wait passes its bound, each renders for itself, so a slow or failed
render never holds readers for longer than the bound.

Each render is logged (logger ``unionpaper.render``), so renders per URL can
be counted from the server's own log.
"""

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("unionpaper.render")

LOCK_PREFIX = "unionpaper:rendering:"
DEFAULT_WAIT_SECONDS = 2.0
# A waiter looks again every few milliseconds (one small round trip each): a page
# renders in 10-50 ms, and every millisecond between its being stored and a
# waiter seeing it is added to that reader's wait, and to the worker it holds.
FIRST_POLL_SECONDS = 0.002
LAST_POLL_SECONDS = 0.01


def wait_bound() -> float:
    return float(getattr(settings, "SINGLE_FLIGHT_WAIT_SECONDS", DEFAULT_WAIT_SECONDS))


def run(name: str, *, lookup, render, label: str = "", wait: float | None = None, what: str = "render"):
    """Return ``render()``, or what ``lookup()`` finds once another caller's render of ``name`` has been stored.

    ``lookup()`` returns None while there is nothing to serve; ``render()``
    stores what it makes where ``lookup`` looks. ``label`` (a path) names
    the render in the log, as ``what`` (``render`` for pages, ``build`` for
    shared data, so that counting renders per path counts pages only).
    """
    wait = wait_bound() if wait is None else wait
    lock = f"{LOCK_PREFIX}{name}"
    token = uuid.uuid4().hex
    # The lock outlives a render that died with its process by little more than the wait.
    if cache.add(lock, token, timeout=int(wait) + 2):
        try:
            return _render(render, label, "first", what)
        finally:
            if cache.get(lock) == token:
                cache.delete(lock)
    started = time.monotonic()
    delay = FIRST_POLL_SECONDS
    while time.monotonic() - started < wait:
        time.sleep(delay)
        delay = min(delay * 2, LAST_POLL_SECONDS)
        found = lookup()
        if found is not None:
            logger.debug("served %s after waiting %.0f ms", label or name, (time.monotonic() - started) * 1000)
            return found
        if cache.get(lock) is None:
            found = lookup()  # stored just before the lock went
            if found is not None:
                return found
            return _render(render, label, "nothing kept", what)
    return _render(render, label, "wait over", what)


def _render(render, label, why, what):
    started = time.monotonic()
    try:
        return render()
    finally:
        logger.info("%s %s (%s) %.0f ms", what, label, why, (time.monotonic() - started) * 1000)
