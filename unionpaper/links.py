"""URLs of the paper's objects, reversed once and then remembered; links that work off the site.

A page of the e-paper links to dozens of articles and pages; ``reverse()``
walks the URL patterns each time, which made it a visible share of a page's
rendering. A URL depends only on the pattern, its arguments, the URLconf and
the script prefix, so those are the key; the memory is bounded and is
forgotten whenever the URLconf setting changes (as tests do).
"""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse


@functools.lru_cache(maxsize=20_000)
def _reverse(urlconf, prefix, viewname, kwargs):
    return reverse(viewname, kwargs=dict(kwargs), urlconf=urlconf)


def cached_reverse(viewname: str, **kwargs) -> str:
    """Return ``reverse(viewname, kwargs=kwargs)``, remembered for the next call."""
    return _reverse(get_urlconf(), get_script_prefix(), viewname, tuple(sorted(kwargs.items())))


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _reverse.cache_clear()


def public_host() -> str | None:
    """Return the site's own host: the first in ``ALLOWED_HOSTS`` that names one (no wildcard)."""
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*" and not host.startswith("."):
            return host
    return None


def absolute_url(path: str) -> str:
    """Return ``path`` as a link that works outside the site (in an e-mail): on ``public_host()``.

    https when the site redirects to it (``SECURE_SSL_REDIRECT``); the path alone when no host is named.
    """
    host = public_host()
    if host is None:
        return path
    scheme = "https" if getattr(settings, "SECURE_SSL_REDIRECT", False) else "http"
    return f"{scheme}://{host}{path}"
