"""Shared test set-up: media in a temporary folder, no silent skips in CI, fixtures every folder uses.

The environment (``DEBUG`` and the rest) is set earlier, by the ``tests.environment`` plugin.
"""

import io
import os
import shutil
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command

from tests.people import make_staff

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


# --- Newsroom people (tests/people.py), one per role -------------------------


@pytest.fixture
def reporter(db):
    return make_staff("wangxm", "记者")


@pytest.fixture
def other_reporter(db):
    return make_staff("lihua", "记者")


@pytest.fixture
def editor(db):
    return make_staff("linping", "编辑")


@pytest.fixture
def chief(db):
    return make_staff("zhoumin", "总编")


# --- The importer as an operator runs it -------------------------------------


@dataclass
class Outcome:
    ok: bool
    out: str
    err: str


@pytest.fixture
def run_import():
    """Run ``import_articles`` as an operator would and return whether it succeeded and what it said."""

    def run(*args) -> Outcome:
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import_articles", *map(str, args), "--no-progress", stdout=out, stderr=err)
        except CommandError as exc:
            return Outcome(False, out.getvalue(), err.getvalue() + str(exc))
        return Outcome(True, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def write_file(tmp_path):
    """Write ``text`` under the temporary folder in ``encoding`` and return its path."""

    def write(name: str, text: str, encoding: str = "utf-8", *, bom: bool = False, crlf: bool = False):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if crlf:
            text = text.replace("\n", "\r\n")
        data = text.encode(encoding)
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
        return path

    return write
