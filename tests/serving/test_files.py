"""Static files and media reach readers quickly and are cached for long."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import make_page

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_page_scan_is_served_with_a_one_year_immutable_cache(client):
    page = make_page(image=True)
    response = client.get(page.image.url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/media/../unionpaper/settings.py", "/media/%2e%2e/manage.py", "/media/pages/nothing.png"]
)
def test_media_outside_the_media_folder_or_missing_is_refused(client, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert b"SECRET_KEY" not in response.content and b"execute_from_command_line" not in response.content


def test_production_serves_hashed_compressed_static_files_for_a_year(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert collect.returncode == 0, collect.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    hashed = manifest["admin/css/base.css"]
    assert hashed != "admin/css/base.css"
    code = (
        "import django; django.setup(); from django.test import Client; c = Client();"
        f"r = c.get('/static/{hashed}', headers={{'accept-encoding': 'gzip, br'}}, secure=True);"
        "print(r.status_code, r.get('Content-Encoding', '-'), r['Cache-Control'])"
    )
    env["DJANGO_SETTINGS_MODULE"] = "unionpaper.settings"
    env["PYTHONPATH"] = str(ROOT)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    status, encoding, cache_control = out.stdout.strip().split(" ", 2)
    assert status == "200"
    assert "max-age=31536000" in cache_control
    assert encoding.strip() in {"gzip", "br"}
