"""Give the test run the development configuration before Django's settings load.

Loaded as a plugin (``-p tests.environment`` in pyproject.toml), so it runs
before pytest-django reads ``unionpaper.settings``; a ``conftest.py`` is
imported only after that, too late for settings that fail fast without
``DEBUG``. A fresh clone then tests with no ``.env``. Variables already set
win: ``DATABASE_URL`` picks the engine (SQLite by default, PostgreSQL in
CI's second run).
"""

import os

os.environ.setdefault("DEBUG", "true")
# Playwright's sync API keeps an event loop running in the test thread; the
# ORM calls our tests make beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
