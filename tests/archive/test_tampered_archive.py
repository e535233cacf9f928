"""A restore trusts nothing in the archive: a tampered one, with its manifest rewritten to match, is refused.

Each test edits an exported archive the way an attacker with the files
would (and fixes the checksums), then expects ``import_archive`` to name the
row and the reason and to write nothing: no row, no media file.
"""

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from articles.models import Article, Theme
from issues.models import Issue, Page
from tests.archive.edits import add_media, edit, exported_archive, reseal
from tests.factories import png_bytes

GIF_WITH_HTML = png_bytes(8, 8, fmt="GIF") + b"<html><script>alert(document.domain)</script></html>"


@pytest.fixture
def archive(tmp_path, db, settings):
    return exported_archive(tmp_path, settings)


def _refused(archive) -> str:
    with pytest.raises(CommandError) as err:
        call_command("import_archive", str(archive), stdout=io.StringIO())
    assert Article.objects.count() == Page.objects.count() == Issue.objects.count() == Theme.objects.count() == 0
    assert [p for p in Path(default_storage.location).rglob("*") if p.is_file()] == []
    message = str(err.value)
    assert "拒绝恢复" in message
    return message


def test_the_untouched_archive_restores(archive):
    call_command("import_archive", str(archive), stdout=io.StringIO())
    assert Article.objects.get().headline == "职工书屋开进车间"
    assert default_storage.exists("uploads/2023/01/chart.png")


@pytest.mark.parametrize(
    "body",
    [
        "<p>你好</p><script>alert(1)</script>",
        '<p><img src="/static/x.png" onerror="alert(1)"></p>',
        '<p><a href="javascript:alert(1)">点此</a></p>',
    ],
)
def test_a_hostile_body_is_refused(archive, body):
    edit(archive, "articles.jsonl", lambda f: f.update(body=body))
    message = _refused(archive)
    assert "稿件" in message and "正文" in message


def test_a_theme_name_with_markup_is_refused(archive):
    edit(archive, "themes.jsonl", lambda f: f.update(name="<img src=x onerror=alert(1)>"))
    assert "主题" in _refused(archive)


def test_a_page_name_with_markup_is_refused(archive):
    edit(archive, "pages.jsonl", lambda f: f.update(name="<b>要闻</b>"))
    message = _refused(archive)
    assert "版面" in message and "版名" in message


def test_an_invalid_page_code_is_refused(archive):
    edit(archive, "pages.jsonl", lambda f: f.update(code="<A1>"))
    assert "版次" in _refused(archive)


def test_a_page_image_pointing_at_an_html_upload_is_refused(archive):
    add_media(archive, "uploads/evil.html", b"<html><script>alert(document.domain)</script></html>")
    edit(archive, "pages.jsonl", lambda f: f.update(image="uploads/evil.html"))
    message = _refused(archive)
    assert "uploads/evil.html" in message and "pages/" in message


def test_an_svg_page_image_in_its_own_folder_is_refused(archive):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    add_media(archive, "pages/2023/01/scan.svg", svg)
    edit(archive, "pages.jsonl", lambda f: f.update(image="pages/2023/01/scan.svg"))
    assert "pages/2023/01/scan.svg" in _refused(archive)


def test_a_body_linking_a_lying_image_is_refused(archive):
    # HTML under an image's name, linked from a body the sanitizer accepts.
    add_media(archive, "uploads/2023/01/photo.jpg", b"<html><script>alert(1)</script></html>")
    edit(archive, "articles.jsonl", lambda f: f.update(body='<p><img src="/media/uploads/2023/01/photo.jpg"></p>'))
    message = _refused(archive)
    assert "uploads/2023/01/photo.jpg" in message and "图片" in message


def test_an_image_whose_extension_lies_about_its_format_is_refused(archive):
    scan = next((archive / "media" / "pages").rglob("*.png"))
    fake = scan.with_suffix(".jpg")
    scan.rename(fake)
    name = fake.relative_to(archive / "media").as_posix()
    manifest = json.loads((archive / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = [e for e in manifest["files"] if not e["path"].endswith(".png") or "uploads" in e["path"]]
    (archive / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    edit(archive, "pages.jsonl", lambda f: f.update(image=name))
    assert "扩展名" in _refused(archive)


def test_media_that_no_row_uses_is_refused(archive):
    add_media(archive, "uploads/2023/01/extra.gif", GIF_WITH_HTML)
    assert "没有任何记录使用" in _refused(archive)


def test_a_media_file_of_the_wrong_kind_is_refused(archive):
    add_media(archive, "pages/pdf/2023/01/page.pdf", png_bytes(20, 20))
    edit(archive, "pages.jsonl", lambda f: f.update(pdf="pages/pdf/2023/01/page.pdf"))
    assert "pages/pdf/2023/01/page.pdf" in _refused(archive)


def _append_record(archive, table: str, record: dict):
    """Add ``record`` to ``table``, count it in the manifest and fix the checksums."""
    path = archive / table
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    manifest_path = archive / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if entry["path"] == table:
            entry["records"] += 1
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    reseal(archive)


def test_a_record_of_another_model_is_refused_and_no_account_is_made(archive):
    # A superuser slipped into a table file: the restore must not create any row but its table's own.
    superuser = {
        "model": "auth.user",
        "pk": 999,
        "fields": {
            "username": "intruder",
            "password": "pbkdf2_sha256$1000000$salt$hash",
            "is_superuser": True,
            "is_staff": True,
            "is_active": True,
            "date_joined": "2023-01-01T00:00:00+00:00",
            "groups": [],
            "user_permissions": [],
        },
    }
    _append_record(archive, "themes.jsonl", superuser)
    message = _refused(archive)
    assert "themes.jsonl" in message and "auth.user" in message and "articles.theme" in message
    assert not get_user_model().objects.filter(username="intruder").exists()


@pytest.mark.parametrize(
    "line",
    [
        '{"model": "articles.theme", "pk": 7',
        '["articles.theme", 7]',
        '{"model": "articles.theme", "pk": 7, "fields": 1}',
    ],
    ids=["broken JSON", "not an object", "fields not an object"],
)
def test_a_line_that_is_not_a_record_is_refused_with_its_line_number(archive, line):
    path = archive / "themes.jsonl"
    count = len(path.read_text(encoding="utf-8").splitlines())
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    reseal(archive)
    message = _refused(archive)
    assert f"themes.jsonl 第 {count + 1} 行" in message


def test_a_user_link_that_is_not_a_username_is_refused(archive):
    edit(archive, "articles.jsonl", lambda f: f.update(created_by=7))
    assert "created_by" in _refused(archive)
