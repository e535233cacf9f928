"""A shared HTTP cache in front of the site (Varnish, a CDN), purged by surrogate key.

Public pages carry the dependency keys they recorded (``unionpaper.cache_keys``)
in the header each cache reads, and a lifetime meant for that cache alone
(browsers still revalidate every time). After a change commits, its keys
are purged through every configured backend; the page cache of the app has
moved them first, so what the shared cache fetches again is new.

Configured like Wagtail's frontend cache invalidation::

    FRONTEND_CACHES = {
        "varnish": {"BACKEND": "unionpaper.frontend_cache.VarnishBackend",
                    "LOCATIONS": ["http://127.0.0.1:6081"]},
        "fastly": {"BACKEND": "unionpaper.frontend_cache.FastlyBackend",
                   "SERVICE_ID": "…", "API_TOKEN": "…"},
        "cloudflare": {"BACKEND": "unionpaper.frontend_cache.CloudflareBackend",
                       "ZONE_ID": "…", "API_TOKEN": "…"},
    }

``settings.py`` builds this from the environment (``VARNISH_PURGE_URLS``,
``FASTLY_SERVICE_ID``, ``CLOUDFLARE_ZONE_ID`` …; see ``docs/deploy.md``). A purge
that fails is logged and never breaks the save that caused it; the pages
concerned then live until their shared-cache lifetime ends
(``FRONTEND_CACHE_SECONDS``).
"""

import json
import logging
import urllib.error
import urllib.request
from functools import cache as memoize

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0
DEFAULT_SECONDS = 24 * 3600
# Fastly and Cloudflare take surrogate-key headers of up to 16 KB; a page
# with more keys than fit is not kept by the shared cache at all.
MAX_HEADER_BYTES = 15000


class PurgeError(Exception):
    pass


class BaseBackend:
    """One shared cache: how pages are tagged for it, and how its keys are purged."""

    key_header = "Surrogate-Key"
    key_separator = " "
    lifetime_header = "Surrogate-Control"
    keys_per_request = 256

    def __init__(self, params: dict):
        self.params = params
        self.timeout = float(params.get("TIMEOUT", getattr(settings, "FRONTEND_CACHE_TIMEOUT", DEFAULT_TIMEOUT)))

    def response_headers(self, keys: list[str], max_age: int) -> dict[str, str]:
        return {self.key_header: self.key_separator.join(keys), self.lifetime_header: f"max-age={max_age}"}

    def purge(self, keys: list[str]) -> None:
        for start in range(0, len(keys), self.keys_per_request):
            self.purge_batch(keys[start : start + self.keys_per_request])

    def purge_batch(self, keys: list[str]) -> None:
        raise NotImplementedError

    def _send(self, request: urllib.request.Request) -> bytes:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            raise PurgeError(f"{request.get_method()} {request.full_url} answered {exc.code}") from exc
        except (OSError, urllib.error.URLError) as exc:
            raise PurgeError(f"{request.get_method()} {request.full_url} failed: {exc}") from exc


class VarnishBackend(BaseBackend):
    """Varnish with the xkey module: ``PURGE`` with an ``xkey-purge`` header to every Varnish in ``LOCATIONS``.

    ``deploy/varnish/unionpaper.vcl`` copies ``Surrogate-Key`` into ``xkey``,
    reads the lifetime from ``Surrogate-Control`` and lets only its ACL purge.
    """

    # Varnish takes request headers of up to 8 KB by default.
    max_purge_header = 4000

    def purge(self, keys: list[str]) -> None:
        batches, batch = [], []
        for key in keys:
            if batch and len(" ".join([*batch, key])) > self.max_purge_header:
                batches.append(batch)
                batch = []
            batch.append(key)
        if batch:
            batches.append(batch)
        for batch in batches:
            self.purge_batch(batch)

    def purge_batch(self, keys: list[str]) -> None:
        failures = []
        for location in self.params["LOCATIONS"]:
            request = urllib.request.Request(
                location.rstrip("/") + "/", method="PURGE", headers={"xkey-purge": " ".join(keys)}
            )
            try:
                self._send(request)
            except PurgeError as exc:
                failures.append(str(exc))  # the other Varnishes are still purged
        if failures:
            raise PurgeError("; ".join(failures))


class FastlyBackend(BaseBackend):
    """Fastly: purge by surrogate key through its API, up to 256 keys a request."""

    def purge_batch(self, keys: list[str]) -> None:
        base = self.params.get("API_URL", "https://api.fastly.com").rstrip("/")
        headers = {
            "Fastly-Key": self.params["API_TOKEN"],
            "Surrogate-Key": " ".join(keys),
            "Accept": "application/json",
        }
        if self.params.get("SOFT"):
            headers["Fastly-Soft-Purge"] = "1"
        url = f"{base}/service/{self.params['SERVICE_ID']}/purge"
        self._send(urllib.request.Request(url, method="POST", headers=headers))


class CloudflareBackend(BaseBackend):
    """Cloudflare: purge by cache tag through its API (``Cache-Tag`` on responses, comma-separated)."""

    key_header = "Cache-Tag"
    key_separator = ","
    lifetime_header = "Cloudflare-CDN-Cache-Control"

    def __init__(self, params: dict):
        super().__init__(params)
        self.keys_per_request = int(params.get("TAGS_PER_REQUEST", 30))

    def purge_batch(self, keys: list[str]) -> None:
        base = self.params.get("API_URL", "https://api.cloudflare.com/client/v4").rstrip("/")
        request = urllib.request.Request(
            f"{base}/zones/{self.params['ZONE_ID']}/purge_cache",
            method="POST",
            data=json.dumps({"tags": keys}).encode(),
            headers={"Authorization": f"Bearer {self.params['API_TOKEN']}", "Content-Type": "application/json"},
        )
        answer = self._send(request)
        try:
            success = json.loads(answer).get("success")
        except (ValueError, AttributeError):
            success = False
        if not success:
            raise PurgeError(f"Cloudflare refused the purge: {answer[:300]!r}")


@memoize
def backends() -> tuple[tuple[str, BaseBackend], ...]:
    """Return the configured backends by name."""
    configured = getattr(settings, "FRONTEND_CACHES", None) or {}
    return tuple((name, import_string(conf["BACKEND"])(conf)) for name, conf in configured.items())


@receiver(setting_changed)
def _settings_changed(setting, **_kwargs):
    if setting in ("FRONTEND_CACHES", "FRONTEND_CACHE_TIMEOUT"):
        backends.cache_clear()


def lifetime() -> int:
    return int(getattr(settings, "FRONTEND_CACHE_SECONDS", DEFAULT_SECONDS))


def tag_response(response, keys, *, max_age: int | None = None) -> bool:
    """Give ``response`` its surrogate keys and shared-cache lifetime; return False if it may not be kept there.

    ``max_age`` bounds the lifetime (a page true only until a scheduled
    publication or midnight). Without a configured backend nothing is added.
    """
    configured = backends()
    if not configured:
        return False
    keys = sorted(set(keys))
    seconds = lifetime() if max_age is None else max(0, min(lifetime(), int(max_age)))
    headers = {}
    for _, backend in configured:
        headers.update(backend.response_headers(keys, seconds))
    if seconds <= 0 or any(len(value.encode()) > MAX_HEADER_BYTES for value in headers.values()):
        return False
    for name, value in headers.items():
        response[name] = value
    return True


def purge(keys) -> None:
    """Purge ``keys`` through every configured backend; log, never raise, when one fails."""
    keys = sorted(set(keys))
    if not keys:
        return
    for name, backend in backends():
        try:
            backend.purge(keys)
        except Exception:  # a purge must never break the save that caused it
            logger.exception("frontend cache %r: purging %d keys failed (%s …)", name, len(keys), " ".join(keys[:5]))
        else:
            logger.info("frontend cache %r: purged %d keys", name, len(keys))
