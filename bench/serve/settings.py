"""Settings for the serving benchmark: production settings plus a trivial view.

The trivial view is served through the same gunicorn, middleware and
settings as the paper's pages, so it shows this machine's ceiling for Django.
"""

from unionpaper.settings import *  # noqa: F403

ROOT_URLCONF = "bench.serve.urls"
# wrk speaks plain HTTP on loopback; in production TLS ends at the proxy.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
