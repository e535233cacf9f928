"""export_archive → import_archive into an empty database gives back exactly what was there."""

import datetime
import hashlib
import io
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import models
from django.utils import timezone

from articles.archive.service import TABLES
from articles.models import Article, ArticleImage, ReviewDecision, Theme, ThemedArticle
from issues.models import Issue, Page
from tests.factories import make_article, make_issue, make_page, png_bytes, rect_area
from unionpaper.publishing import Status


def _populate():
    editor = get_user_model().objects.create_user("zhang_editor", password="x")
    printed = make_issue(datetime.date(2023, 1, 1), number=1, serial=1234, note="新年第一期")
    planned = make_issue(
        datetime.date(2023, 1, 8),
        published=False,
        status=Status.PUBLISHED,
        publish_at=timezone.now() + datetime.timedelta(days=30),
    )
    a01 = make_page(printed, "A01", name="要闻", editor="李编", image=True, pdf=True)
    a34 = make_page(printed, "A34", name="理论", image=True)
    make_page(planned, "A1", name="要闻")
    upload = default_storage.save("uploads/2023/01/chart.png", ContentFile(png_bytes(40, 30)))
    first = make_article(
        a34,
        headline="推动工会工作落地见效",
        kicker="全面学习 全面把握",
        subtitle="——市总工会学习侧记",
        byline="文 市总工会主席 刘 飞",
        themes=["法律援助", "劳模工匠"],
        created_by=editor,
        body=f'<p>第一段。</p><p><img src="/media/{upload}" alt="图表"></p>',
        hot_areas=rect_area(Decimal("10.50"), Decimal("5.25"), Decimal("40.00"), Decimal("33.33")),
        source_key="2023-01-01/x.txt#1",
        source_checksum="ab" * 32,
    )
    make_article(a01, headline="职工书屋开进车间", byline="本报记者 王晓明 通讯员 李 华", themes=["技能竞赛"], order=2)
    draft = make_article(a01, headline="尚未发布的稿件", published=False, themes=["法律援助"])
    chief = get_user_model().objects.create_user("wang_chief", password="x")
    ReviewDecision.objects.create(
        article=first, stage="first", stage_label="初审", decision="approve", decided_by=chief
    )
    ReviewDecision.objects.create(
        article=draft, stage="final", stage_label="终审", decision="return", note="标题再斟酌", decided_by=chief
    )
    Article.objects.filter(pk=draft.pk).update(trashed_at=timezone.now(), trashed_by=editor)
    photo = ArticleImage(article=first, caption="学习会现场", credit="王摄", order=1)
    photo.image.save("p.jpg", ContentFile(png_bytes(120, 80, fmt="JPEG")), save=False)
    photo.save()
    Theme.objects.create(name="困难帮扶", slug="困难帮扶", description="未用的主题也要导出")


def _snapshot():
    """Return every field of every archived row, and the sha256 of every stored file they name."""
    rows, files = {}, {}
    for name, label in TABLES:
        model = apps.get_model(label)
        fields = [f.attname for f in model._meta.concrete_fields]
        rows[name] = list(model.objects.order_by("pk").values_list(*fields))
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                for stored in model.objects.exclude(**{f.name: ""}).values_list(f.name, flat=True):
                    with default_storage.open(stored, "rb") as fh:
                        files[stored] = hashlib.sha256(fh.read()).hexdigest()
    with default_storage.open("uploads/2023/01/chart.png", "rb") as fh:
        files["uploads/2023/01/chart.png"] = hashlib.sha256(fh.read()).hexdigest()
    return rows, files


def _empty_database():
    for model in (ReviewDecision, ArticleImage, ThemedArticle, Article, Page, Issue, Theme):
        model.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_export_then_restore_into_empty_database_is_exact(tmp_path, settings):
    _populate()
    before_rows, before_files = _snapshot()
    assert len(before_files) == 7  # two scans, their thumbnails, a PDF, a photo and an editor upload
    out = io.StringIO()
    call_command("export_archive", str(tmp_path / "archive"), stdout=out)
    assert "articles.jsonl 3" in out.getvalue()

    _empty_database()
    settings.MEDIA_ROOT = str(tmp_path / "fresh-media")  # a new machine: no media either
    assert not default_storage.exists("uploads/2023/01/chart.png")
    call_command("import_archive", str(tmp_path / "archive"), stdout=io.StringIO())

    after_rows, after_files = _snapshot()
    for name in before_rows:
        assert after_rows[name] == before_rows[name], name
    assert after_files == before_files
    article = Article.objects.get(headline="推动工会工作落地见效")
    assert sorted(article.themes.names()) == ["劳模工匠", "法律援助"]
    assert article.created_by.username == "zhang_editor"
    # The review trail (三审) and who put a story in the bin come back with their people.
    steps = ReviewDecision.objects.order_by("pk")
    assert [(s.article.headline, s.stage_label, s.decision, s.note, s.decided_by.username) for s in steps] == [
        ("推动工会工作落地见效", "初审", "approve", "", "wang_chief"),
        ("尚未发布的稿件", "终审", "return", "标题再斟酌", "wang_chief"),
    ]
    assert Article.objects.get(headline="尚未发布的稿件").trashed_by.username == "zhang_editor"
    # New rows after a restore get fresh ids (sequences were moved past the restored ones).
    newest = make_issue(datetime.date(2024, 1, 1))
    assert newest.pk > max(pk for pk, *_ in before_rows["issues.jsonl"])


@pytest.mark.django_db
def test_archive_is_plain_json_lines_with_a_checksummed_manifest(tmp_path):
    _populate()
    call_command("export_archive", str(tmp_path / "a"), stdout=io.StringIO())
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "unionpaper-archive" and manifest["version"] == 1
    for entry in manifest["files"]:
        data = (tmp_path / "a" / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
    lines = (tmp_path / "a" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    assert record["model"] == "articles.article" and record["fields"]["headline"] == "推动工会工作落地见效"
    assert record["fields"]["created_by"] == ["zhang_editor"]
    steps = [json.loads(line) for line in (tmp_path / "a" / "review_decisions.jsonl").read_text("utf-8").splitlines()]
    assert [step["fields"]["decided_by"] for step in steps] == [["wang_chief"], ["wang_chief"]]
    assert next(e for e in manifest["files"] if e["path"] == "review_decisions.jsonl")["records"] == 2
    assert any(e["path"] == "media/uploads/2023/01/chart.png" for e in manifest["files"])


@pytest.fixture
def archive(tmp_path, db):
    _populate()
    call_command("export_archive", str(tmp_path / "a"), stdout=io.StringIO())
    _empty_database()
    return tmp_path / "a"


def _restore_fails(path) -> str:
    with pytest.raises(CommandError) as err:
        call_command("import_archive", str(path), stdout=io.StringIO())
    assert Article.objects.count() == 0 and Issue.objects.count() == 0
    return str(err.value)


def test_tampered_data_file_is_refused(archive):
    path = archive / "articles.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("推动工会工作", "篡改工会工作"), encoding="utf-8")
    assert "articles.jsonl" in _restore_fails(archive)


def test_tampered_media_file_is_refused(archive):
    scan = next((archive / "media" / "pages").rglob("*.png"))
    scan.write_bytes(scan.read_bytes() + b"x")
    assert "校验和" in _restore_fails(archive)


def test_missing_and_extra_files_are_refused(archive):
    next((archive / "media").rglob("*.pdf")).unlink()
    (archive / "extra.jsonl").write_text("{}\n", encoding="utf-8")
    message = _restore_fails(archive)
    assert "缺少文件" in message and "extra.jsonl" in message


def test_restore_into_a_database_with_content_is_refused(archive):
    make_issue(datetime.date(2020, 1, 1))
    with pytest.raises(CommandError) as err:
        call_command("import_archive", str(archive), stdout=io.StringIO())
    assert "不是空的" in str(err.value)
    assert Issue.objects.count() == 1


def test_restore_without_the_articles_creator_keeps_the_article(archive):
    get_user_model().objects.filter(username="zhang_editor").delete()
    err = io.StringIO()
    call_command("import_archive", str(archive), stdout=io.StringIO(), stderr=err)
    assert Article.objects.get(headline="推动工会工作落地见效").created_by is None
    assert "zhang_editor" in err.getvalue()


def test_restore_without_the_reviewer_keeps_the_review_trail(archive):
    get_user_model().objects.filter(username="wang_chief").delete()
    err = io.StringIO()
    call_command("import_archive", str(archive), stdout=io.StringIO(), stderr=err)
    assert ReviewDecision.objects.count() == 2
    assert not ReviewDecision.objects.exclude(decided_by=None).exists()
    assert "决定人 wang_chief 不在本数据库" in err.getvalue()


def test_an_archive_written_before_review_decisions_were_archived_still_restores(archive):
    (archive / "review_decisions.jsonl").unlink()
    manifest = json.loads((archive / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = [e for e in manifest["files"] if e["path"] != "review_decisions.jsonl"]
    del manifest["tables"]["review_decisions.jsonl"]
    (archive / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    call_command("import_archive", str(archive), stdout=io.StringIO(), stderr=io.StringIO())
    assert Article.objects.count() == 3 and ReviewDecision.objects.count() == 0


@pytest.mark.django_db
def test_export_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError) as err:
        call_command("export_archive", str(tmp_path), stdout=io.StringIO())
    assert "不是空文件夹" in str(err.value)


@pytest.mark.django_db(transaction=True)
def test_restored_articles_can_be_searched(tmp_path, client):
    make_article(
        make_page(make_issue(datetime.date(2023, 1, 1)), "A34"),
        headline="劳模工作室挂牌",
        body="<p>机械厂成立劳模创新工作室。</p>",
    )
    call_command("export_archive", str(tmp_path / "a"), stdout=io.StringIO())
    _empty_database()
    call_command("import_archive", str(tmp_path / "a"), stdout=io.StringIO())
    response = client.get("/search/", {"q": "创新工作室"})
    assert response.status_code == 200
    assert "劳模工作室挂牌" in response.content.decode()
