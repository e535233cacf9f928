"""Shared test set-up: environment, media in a temporary folder, no silent skips in CI."""

import os
import shutil

import pytest

# Tests run the development configuration unless the caller says otherwise;
# DATABASE_URL picks the engine (SQLite by default, PostgreSQL in CI's second run).
os.environ.setdefault("DEBUG", "true")
# Playwright's sync API keeps an event loop running in the test thread; the
# ORM calls our tests make beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def strict_skips() -> bool:
    """In CI nothing may skip: a missing browser or database is a failure."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"} or os.environ.get("UNIONPAPER_NO_SKIPS") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and strict_skips() and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"Skipped in CI, where every test must run: {reason}"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start every test with an empty cache: cached pages must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Keep uploaded files of each test run out of the project's media folder."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture
def chromium_path():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def _playwright():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session", autouse=True)
def _live_server_one_request_at_a_time():
    """Serve the browser tests' live server one request at a time.

    With SQLite's in-memory test database, Django hands every live-server
    thread the test's own connection. Two requests at once (a page's fetch
    beside a form's POST, each saving the signed-in user's session) then share
    one connection, and one fails with "cannot start a transaction within a
    transaction". Without threads the server closes each connection after
    its response, and the browser simply opens the next.
    """
    from django.core.servers.basehttp import WSGIServer
    from django.db import connections
    from django.test.testcases import LiveServerThread

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.connections_override = connections_override

        def close_request(self, request):
            # As Django's threaded server does: no connection outlives its request,
            # so the test database can be dropped (in-memory SQLite ignores this).
            connections.close_all()
            super().close_request(request)

    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = SerialWSGIServer
    yield
    LiveServerThread.server_class = threaded


@pytest.fixture
def browser(_playwright, chromium_path):
    """A headless Debian Chromium driven by Playwright."""
    browser = _playwright.chromium.launch(
        executable_path=chromium_path,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    yield browser
    browser.close()


@pytest.fixture
def artifacts_dir():
    """Folder for screenshots a person should look at (kept after the run)."""
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-artifacts")
    os.makedirs(path, exist_ok=True)
    return path


@pytest.fixture
def on_postgres(settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")
    return True
