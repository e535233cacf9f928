"""The HTML pages among the static files (CKEditor's) carry the editor's policy and cannot be framed.

Served as in production: collectstatic, then gunicorn with WhiteNoise, over HTTP.
"""

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
MANUAL_TESTS = "ckeditor/ckeditor/plugins/exportpdf/tests/manual"


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The URL of the site as production serves it, and its collected static folder."""
    tmp = tmp_path_factory.mktemp("static-pages")
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}},
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "SECURE_SSL_REDIRECT": "false",
        "CACHE_URL": "locmemcache://static-pages",
        "DJANGO_SETTINGS_MODULE": "unionpaper.settings",
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [str(GUNICORN), "unionpaper.wsgi", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                _get(f"{base}/health/")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer within 15 s")
        yield base, tmp / "static"
    finally:
        server.terminate()
        server.wait(timeout=30)


def policy_of(headers) -> dict[str, list[str]]:
    policy = {}
    for part in (headers.get("Content-Security-Policy") or "").split(";"):
        if part.strip():
            name, *values = part.split()
            policy[name] = values
    return policy


def test_every_static_html_page_gets_the_editors_policy_and_may_not_be_framed(site):
    base, static = site
    pages = sorted(
        str(path.relative_to(static)) for path in static.rglob("*") if path.suffix.lower() in {".html", ".htm"}
    )
    names = {Path(page).name for page in pages}
    # The preview and spell-check pages, under their own names and their hashed ones.
    assert {"preview.html", "ciframe.html", "tmpFrameset.html"} <= names, pages
    assert any(name.startswith("preview.") and name != "preview.html" for name in names), pages
    for page in pages:
        status, headers = _get(f"{base}/static/{page}")
        assert status == 200, page
        assert headers["Content-Type"].startswith("text/html"), page
        policy = policy_of(headers)
        # The inline script of CKEditor's page does not run, nothing but the site's own loads,
        # and no page, the site's own or another's, frames it.
        assert policy.get("script-src") == ["'self'"], (page, headers.get("Content-Security-Policy"))
        assert policy.get("default-src") == ["'self'"], page
        assert policy.get("object-src") == ["'none'"] and policy.get("base-uri") == ["'none'"], page
        assert policy.get("frame-ancestors") == ["'none'"], page
        assert headers["X-Frame-Options"] == "DENY", page
        assert headers["X-Content-Type-Options"] == "nosniff", page


def test_the_same_policy_covers_static_svg_but_not_scripts_or_styles(site):
    base, _ = site
    status, headers = _get(f"{base}/static/ckeditor/ckeditor/plugins/copyformatting/cursors/cursor.svg")
    assert status == 200 and headers["Content-Type"].startswith("image/svg+xml")
    assert policy_of(headers).get("script-src") == ["'self'"] and headers["X-Frame-Options"] == "DENY"
    status, headers = _get(f"{base}/static/ckeditor/ckeditor/ckeditor.js")
    assert status == 200 and "Content-Security-Policy" not in headers


def test_ckeditors_manual_test_pages_are_not_collected_or_served(site):
    base, static = site
    assert not (static / MANUAL_TESTS).exists()
    for name in ("integration.html", "readonly.html", "integrations/easyimage.html"):
        status, _ = _get(f"{base}/static/{MANUAL_TESTS}/{name}")
        assert status == 404, name
    # The editor itself is still collected and served.
    assert _get(f"{base}/static/ckeditor/ckeditor/ckeditor.js")[0] == 200
