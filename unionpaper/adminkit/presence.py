"""Who else has a change form open: 正在由 林平 编辑（自 10:42 起）.

No lock: an open form sends a heartbeat every ``PRESENCE_INTERVAL`` seconds
(static/admin_extra/presence.js) and each one is remembered in the cache for
``PRESENCE_TIMEOUT`` seconds, so a closed browser, a crashed laptop or a lost
connection simply drops out. Opening a form records its reader at once and
names the others in the page as it is served, so the notice needs no script
and no wait. Saving is never blocked by presence; stale saves are refused by
the version check (``unionpaper.adminkit.concurrency``) instead.

The cache is the site's default one: shared by every worker in production
(Redis, ``CACHE_URL``), per process with the development default.
"""

import datetime
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

# Seconds between two heartbeats of an open form, and how long one counts.
PRESENCE_INTERVAL = 30
PRESENCE_TIMEOUT = 90
_PREFIX = "admin-presence"


def interval() -> int:
    return int(getattr(settings, "ADMIN_PRESENCE_INTERVAL", PRESENCE_INTERVAL))


def timeout() -> int:
    return int(getattr(settings, "ADMIN_PRESENCE_TIMEOUT", PRESENCE_TIMEOUT))


def _object_key(obj) -> str:
    return f"{_PREFIX}:{obj._meta.label_lower}:{obj.pk}"


def _name(user) -> str:
    return user.get_full_name().replace(" ", "") or user.get_username()


def record(obj, user) -> None:
    """Note that ``user`` has ``obj``'s form open now.

    Every reader of an object is one entry of one cache value. Two heartbeats
    at the same moment may drop one of them; the next one, at most
    ``interval()`` seconds later, puts it back.
    """
    key, now = _object_key(obj), time.time()
    readers = _alive(cache.get(key) or {}, now)
    entry = readers.get(str(user.pk))
    readers[str(user.pk)] = {"name": _name(user), "since": entry["since"] if entry else now, "seen": now}
    cache.set(key, readers, timeout())


def leave(obj, user) -> None:
    """Forget ``user`` on ``obj`` (the form was closed)."""
    key = _object_key(obj)
    readers = cache.get(key) or {}
    if readers.pop(str(user.pk), None) is not None:
        cache.set(key, readers, timeout())


def _alive(readers: dict, now: float) -> dict:
    return {uid: r for uid, r in readers.items() if now - r["seen"] < timeout()}


def others(obj, user) -> list[dict]:
    """Return the other people with ``obj``'s form open: name and since when (HH:MM, local time)."""
    readers = _alive(cache.get(_object_key(obj)) or {}, time.time())
    found = [r for uid, r in readers.items() if uid != str(user.pk)]
    found.sort(key=lambda r: r["since"])
    return [{"name": r["name"], "since": _hm(r["since"])} for r in found]


def _hm(timestamp: float) -> str:
    return f"{timezone.localtime(datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)):%H:%M}"


def notice(people: list[dict]) -> str:
    """Say in one line who else is editing: 正在由 林平 编辑（自 10:42 起）."""
    if not people:
        return ""
    if len(people) == 1:
        who = f"{people[0]['name']} 编辑（自 {people[0]['since']} 起）"
    else:
        who = "、".join(f"{p['name']}（自 {p['since']} 起）" for p in people) + " 编辑"
    return f"正在由 {who}。两人都保存时，后保存的一方会被拒绝，并看到对方改了什么。"
