"""Archives for restore tests: one exported, and edited the way someone holding its files could."""

import datetime
import hashlib
import io
import json

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from articles.models import Article, ArticleImage, Theme, ThemedArticle
from issues.models import Issue, Page
from tests.factories import make_article, make_issue, make_page, png_bytes


def exported_archive(tmp_path, settings):
    """Export a one-page, one-article paper to ``tmp_path/a``, then empty the database and the media folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media-before")
    page = make_page(make_issue(datetime.date(2023, 1, 1)), "A01", name="要闻", image=True)
    upload = default_storage.save("uploads/2023/01/chart.png", ContentFile(png_bytes(40, 30)))
    make_article(page, headline="职工书屋开进车间", themes=["法律援助"], body=f'<p>正文<img src="/media/{upload}"></p>')
    call_command("export_archive", str(tmp_path / "a"), stdout=io.StringIO())
    for model in (ArticleImage, ThemedArticle, Article, Page, Issue, Theme):
        model.objects.all().delete()
    settings.MEDIA_ROOT = str(tmp_path / "media-after")
    return tmp_path / "a"


def edit(archive, table: str, change):
    """Apply ``change(fields)`` to the first record of ``table`` and fix the manifest's checksum."""
    path = archive / table
    lines = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    change(record["fields"])
    lines[0] = json.dumps(record, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reseal(archive)


def add_media(archive, name: str, data: bytes):
    """Put ``data`` into the archive's media as ``name`` and fix the manifest."""
    target = archive / "media" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    reseal(archive)


def reseal(archive):
    """Rewrite the manifest's sizes and checksums to match the files, as an attacker with the files would."""
    manifest_path = archive / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    entries = {e["path"]: e for e in manifest["files"]}
    for path in sorted(archive.rglob("*")):
        rel = path.relative_to(archive).as_posix()
        if path.is_file() and rel != "manifest.json":
            data = path.read_bytes()
            entry = entries.setdefault(rel, {"path": rel})
            entry.update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    manifest["files"] = list(entries.values())
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
