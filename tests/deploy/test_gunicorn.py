"""The production command serves the paper, its workers starting warm."""

import os
import re
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


def test_warm_compiles_the_readers_templates_without_opening_the_database():
    # No django_db mark: pytest-django refuses any database access here, so a
    # warm-up that touched the database (and would hand one connection to
    # every forked worker) fails this test.
    from unionpaper.warmup import warm

    compiled = warm()
    for name in ("base.html", "articles/article_detail.html", "issues/page_detail.html", "search/search.html"):
        assert name in compiled


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_gunicorn_with_the_projects_config_serves_the_paper(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "gunicorn-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "SECURE_SSL_REDIRECT": "false",
        "CACHE_URL": "locmemcache://gunicorn-test",
        "DJANGO_SETTINGS_MODULE": "unionpaper.settings",
    }
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [str(GUNICORN), "unionpaper.wsgi", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(100):
            try:
                status, body = _get(f"http://127.0.0.1:{port}/health/")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer within 10 s")
        assert status == 200 and '"ok"' in body
        status, body = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "数字报" in body
        status, _ = _get(f"http://127.0.0.1:{port}/articles/999/")
        assert status == 404
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[1]
    assert "warmed" in log and "templates" in log, log[-2000:]
    assert log.index("warmed") < log.index("Booting worker"), "the master warms up before it forks"
    # What the master loaded is frozen before the fork, so workers' collections skip it (p99 pauses).
    frozen = re.search(r"froze (\d+) long-lived objects", log)
    assert frozen and int(frozen.group(1)) > 10_000 and log.index("froze") < log.index("Booting worker"), log[-2000:]
