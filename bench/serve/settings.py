"""Settings for the serving benchmark: production settings plus a trivial view.

The trivial view is served through the same gunicorn, middleware and
settings as the paper's pages, so it shows this machine's ceiling for Django.
"""

from unionpaper.settings import *  # noqa: F403 (the production settings, every name of them)

ROOT_URLCONF = "bench.serve.urls"
# wrk speaks plain HTTP on loopback; in production TLS ends at the proxy.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Every render is logged, so that bench/serve/issue_day.py counts renders per URL from the server's own log.
LOGGING = {
    **LOGGING,  # noqa: F405 (from the production settings above)
    "loggers": {"unionpaper.render": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
