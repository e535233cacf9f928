"""Export the whole paper to an open archive folder, and restore it exactly.

The format is described for people in ``docs/archive-format.md``: one JSON
Lines file per table (Django's ``jsonl`` serialization: ``model``, ``pk``,
``fields``), the media files under ``media/`` at their storage names, and
``manifest.json`` listing every file with its size and sha256.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from articles.hotareas.shapes import rect_from_percent
from articles.sanitize import clean_html
from issues.models import Page
from unionpaper.uploads import IMAGE_FORMATS, inspect_image, inspect_pdf

FORMAT = "unionpaper-archive"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
# Parents before children, so a restore never meets a missing foreign key.
TABLES = [
    ("themes.jsonl", "articles.Theme"),
    ("issues.jsonl", "issues.Issue"),
    ("pages.jsonl", "issues.Page"),
    ("articles.jsonl", "articles.Article"),
    ("article_themes.jsonl", "articles.ThemedArticle"),
    ("article_images.jsonl", "articles.ArticleImage"),
    ("review_decisions.jsonl", "articles.ReviewDecision"),
]
# Tables added after version 1 was first written: an archive without them restores them empty.
ADDED_TABLES = {"review_decisions.jsonl"}


# Ends every refusal of a restore.
UNCHANGED = "；拒绝恢复，数据库和媒体存储均未改动"


class ArchiveError(Exception):
    """The archive cannot be written or restored; the message says why."""


@dataclass
class Summary:
    records: dict[str, int] = field(default_factory=dict)
    files: int = 0
    notes: list[str] = field(default_factory=list)


def _models():
    return [(name, apps.get_model(label)) for name, label in TABLES]


def _user_fields(model) -> list[str]:
    """Return the names of ``model``'s foreign keys to users, archived as ``[username]``."""
    User = get_user_model()
    return [f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model is User]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _media_names() -> list[str]:
    """Return every stored file the archive needs: file fields and uploads linked from bodies."""
    names: set[str] = set()
    for _, model in _models():
        file_fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if file_fields:
            for row in model.objects.values_list(*file_fields):
                names.update(n for n in row if n)
    media_url = settings.MEDIA_URL
    if media_url:
        link = re.compile(r'(?:src|href)="' + re.escape(media_url) + r'([^"?#]+)"')
        Article = apps.get_model("articles.Article")
        for body in Article.objects.exclude(body="").values_list("body", flat=True).iterator():
            names.update(link.findall(body))
    return sorted(names)


class _Encoder(json.JSONEncoder):
    # Unlike DjangoJSONEncoder, keep microseconds: a restore must be exact.
    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.date, datetime.time)):
            return o.isoformat()
        if isinstance(o, (decimal.Decimal, uuid.UUID)):
            return str(o)
        return super().default(o)


def _records(model, usernames: dict):
    """Yield one JSON Lines record per row, read as stored (no model code runs on the values)."""
    fields = [f for f in model._meta.concrete_fields if f.serialize]
    label = model._meta.label_lower
    pk_name = model._meta.pk.attname
    user_fields = _user_fields(model)
    for row in (
        model.objects.order_by("pk").values_list(pk_name, *(f.attname for f in fields)).iterator(chunk_size=2000)
    ):
        values = dict(zip((f.name for f in fields), row[1:], strict=True))
        # A user is named by username: ids differ between databases.
        for name in user_fields:
            if values.get(name) is not None:
                values[name] = [usernames[values[name]]]
        yield json.dumps(
            {"model": label, "pk": row[0], "fields": values}, cls=_Encoder, ensure_ascii=False, sort_keys=True
        )


def export_archive(*, outdir: Path) -> Summary:
    """Write every issue, page, article, theme and media file to ``outdir`` (new or empty)."""
    outdir = Path(outdir)
    if outdir.exists() and any(outdir.iterdir()):
        raise ArchiveError(f"{outdir} 不是空文件夹；请指定新的或空的文件夹")
    outdir.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    entries = []
    User = get_user_model()
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            # One consistent snapshot of all tables, even while editors work.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        usernames = dict(User.objects.values_list("pk", User.USERNAME_FIELD))
        for name, model in _models():
            path = outdir / name
            count = model.objects.count()
            with open(path, "w", encoding="utf-8") as fh:
                for record in _records(model, usernames):
                    fh.write(record + "\n")
            summary.records[name] = count
            entries.append({"path": name, "bytes": path.stat().st_size, "sha256": _sha256(path), "records": count})
        for media_name in _media_names():
            target = outdir / MEDIA_DIR / media_name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with default_storage.open(media_name, "rb") as src, open(target, "wb") as dst:
                    for chunk in iter(lambda: src.read(1 << 20), b""):
                        dst.write(chunk)
            except OSError:
                summary.notes.append(f"媒体文件缺失，未导出：{media_name}")
                target.unlink(missing_ok=True)
                continue
            rel = f"{MEDIA_DIR}/{media_name}"
            entries.append({"path": rel, "bytes": target.stat().st_size, "sha256": _sha256(target)})
            summary.files += 1
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created": timezone.now().isoformat(),
        "paper": settings.PAPER_NAME,
        "tables": dict(TABLES),
        "files": entries,
    }
    (outdir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return summary


def read_manifest(indir: Path) -> dict:
    """Return the manifest after checking every file against it; refuse anything tampered."""
    indir = Path(indir)
    try:
        manifest = json.loads((indir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArchiveError(f"{indir} 中没有 {MANIFEST}，不是 unionpaper 归档") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"{MANIFEST} 无法读取：{exc}") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise ArchiveError(f"不支持的归档格式：{manifest.get('format')} 版本 {manifest.get('version')}")
    listed = {}
    for entry in manifest.get("files", []):
        rel = entry["path"]
        if rel.startswith("/") or ".." in Path(rel).parts:
            raise ArchiveError(f"归档清单中的路径不安全：{rel}")
        listed[rel] = entry
    problems = []
    for rel, entry in listed.items():
        path = indir / rel
        if not path.is_file():
            problems.append(f"缺少文件 {rel}")
        elif path.stat().st_size != entry["bytes"] or _sha256(path) != entry["sha256"]:
            problems.append(f"{rel} 的校验和与清单不符")
    for path in sorted(indir.rglob("*")):
        rel = path.relative_to(indir).as_posix()
        if path.is_file() and rel != MANIFEST and rel not in listed:
            problems.append(f"清单外的文件 {rel}")
    for name, _label in TABLES:
        if name not in listed and name not in ADDED_TABLES:
            problems.append(f"清单中缺少数据表 {name}")
    if problems:
        raise ArchiveError("归档已被改动或不完整，拒绝恢复：" + "；".join(problems[:20]))
    return manifest


def _ensure_empty():
    filled = [model._meta.verbose_name for _, model in _models() if model.objects.exists()]
    if filled:
        raise ArchiveError(f"数据库不是空的（已有{'、'.join(map(str, filled))}）；归档只能恢复到空数据库")


def _lines(path: Path, model):
    """Yield each record of a table file; nothing for a table the archive predates.

    A table file holds rows of its own model only: any other record (an
    ``auth.user`` with ``is_superuser``, say) would be created by the
    deserializer as it stands, so it is refused, as is a line that is not a
    record at all.
    """
    if not path.exists() and path.name in ADDED_TABLES:
        return
    label = model._meta.label_lower
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path.name} 第 {number} 行"
            try:
                data = json.loads(line)
            except ValueError as exc:
                raise ArchiveError(f"{where}不是有效的 JSON：{exc}") from None
            if not isinstance(data, dict) or not isinstance(data.get("fields"), dict) or "pk" not in data:
                raise ArchiveError(f"{where}不是一条记录（应为含 model、pk、fields 的对象）")
            if data.get("model") != label:
                raise ArchiveError(
                    f"{where}的记录是 {data.get('model')!r}，不是本表的{model._meta.verbose_name}（{label}）"
                )
            yield data


def _objects(path: Path, model, missing_users: set, summary: Summary):
    user_fields = [(name, model._meta.get_field(name).verbose_name) for name in _user_fields(model)]
    for data in _lines(path, model):
        if data.get("model") == "articles.article":
            _area_as_shapes(data["fields"])
        for name, label in user_fields:
            who = data["fields"].get(name)
            if who and tuple(who) in missing_users:
                summary.notes.append(f"{data['model']} {data['pk']}：{label} {who[0]} 不在本数据库，已留空")
                data["fields"][name] = None
        yield data


LEGACY_AREA_FIELDS = ("area_left", "area_top", "area_width", "area_height")


def _area_as_shapes(fields: dict):
    """Read an article's area in percent (archives written before shapes) as its one rectangle."""
    if not any(f in fields for f in LEGACY_AREA_FIELDS):
        return
    rect = rect_from_percent(*(fields.pop(f, None) for f in LEGACY_AREA_FIELDS))
    fields.setdefault("hot_areas", [rect] if rect else [])


def _keep_dimensions(instance, fields: dict):
    # Building the instance lets ImageField fill missing width/height from the file;
    # a restore must give back what was stored, so put the archived values back.
    for f in instance._meta.concrete_fields:
        if isinstance(f, models.ImageField):
            for dim in (f.width_field, f.height_field):
                if dim:
                    setattr(instance, dim, fields.get(dim))


def _who(instance) -> str:
    return f"{instance._meta.verbose_name} {instance.pk}"


def _media_links(body: str) -> list[str]:
    media_url = settings.MEDIA_URL
    if not media_url or not body:
        return []
    return re.findall(r'(?:src|href)="' + re.escape(media_url) + r'([^"?#]+)"', body)


def _check_record(instance, needs: dict):
    """Refuse a row the admin or an import would refuse; note which media file it needs as what.

    ``needs`` maps a storage name to ``(kind, folder, who)``: the kind of check its
    file must pass and the folder it must be in.
    """
    who = _who(instance)
    file_fields = [f for f in instance._meta.concrete_fields if isinstance(f, models.FileField)]
    try:
        # File fields are checked below, on the archive's files: storage holds none of them yet.
        instance.full_clean(exclude=[f.name for f in file_fields])
    except ValidationError as exc:
        raise ArchiveError(f"{who}：{'；'.join(exc.messages)}") from None
    for f in file_fields:
        name = getattr(instance, f.attname).name
        if not name:
            continue
        kind = "pdf" if getattr(f.upload_to, "kind", "image") == "pdf" else "image"
        prefix = getattr(f.upload_to, "prefix", None)
        # Generated names: <prefix>/<yyyy>/<mm>/<random>.<extension> (unionpaper.uploads.GeneratedName).
        if not prefix or not re.fullmatch(re.escape(prefix) + r"/\d{4}/\d{2}/[A-Za-z0-9_.-]+", name):
            raise ArchiveError(f"{who}：{f.verbose_name}“{name}”不在该字段自己的文件夹 {prefix}/ 中")
        needs[name] = (kind, prefix, f"{who} 的{f.verbose_name}")
    body = getattr(instance, "body", None)
    if body is not None and instance._meta.label == "articles.Article":
        if not instance.content_fingerprint:
            # An archive from before fingerprints: fill the derived column, as the migration did.
            instance.content_fingerprint = instance.compute_fingerprint()
        if clean_html(body) != body:
            raise ArchiveError(f"{who}：正文含有净化后会被删去的内容（脚本、事件属性或不允许的链接等）")
        upload_dir = settings.CKEDITOR_UPLOAD_PATH.rstrip("/")
        for name in _media_links(body):
            needs.setdefault(name, ("image", upload_dir, f"{who} 的正文"))


def _check_media(indir: Path, media: list[str], needs: dict):
    """Refuse a media file no row needs, outside its folder, or not a file of its field's kind."""
    for name in sorted(media, key=lambda n: n not in needs):
        if name not in needs:
            raise ArchiveError(f"媒体文件 {name} 没有任何记录使用")
        kind, folder, who = needs[name]
        if not name.startswith(folder + "/") or ".." in name.split("/"):
            raise ArchiveError(f"{who}：媒体文件 {name} 不在 {folder}/ 中")
        extension = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
        with open(indir / MEDIA_DIR / name, "rb") as fh:
            try:
                if kind == "pdf":
                    inspect_pdf(fh)
                    real = "pdf"
                else:
                    real = IMAGE_FORMATS[inspect_image(fh)]
            except ValidationError as exc:
                raise ArchiveError(f"{who}：媒体文件 {name} 被拒绝：{'；'.join(exc.messages)}") from None
        if extension != real and not (real == "jpg" and extension == "jpeg"):
            raise ArchiveError(f"{who}：媒体文件 {name} 的扩展名与其实际格式（{real}）不符")


def import_archive(*, indir: Path) -> Summary:
    """Restore an archive written by :func:`export_archive` into an empty database.

    Every row is checked as the admin would check it (model validation, the
    sanitizer for bodies) and every media file as an upload of the field that
    names it; the first refusal stops the restore with the row and the reason,
    and nothing is written: the rows are rolled back and no media file is kept.
    """
    indir = Path(indir)
    manifest = read_manifest(indir)
    _ensure_empty()
    summary = Summary()
    User = get_user_model()
    # Users are not part of the archive; a row's creator, reviewer and so on are matched by username.
    wanted = set()
    try:
        for name, model in _models():
            user_fields = _user_fields(model)
            if user_fields:
                for data in _lines(indir / name, model):
                    for f in user_fields:
                        who = data["fields"].get(f)
                        if who is None:
                            continue
                        if not (isinstance(who, list) and len(who) == 1 and isinstance(who[0], str)):
                            raise ArchiveError(f"{name} 中的记录 {data['pk']} 的 {f} 应为 [用户名]，而是 {who!r}")
                        wanted.add(tuple(who))
    except ArchiveError as exc:
        raise ArchiveError(f"{exc}{UNCHANGED}") from None
    existing = {
        (u,)
        for u in User.objects.filter(**{f"{User.USERNAME_FIELD}__in": [w[0] for w in wanted]}).values_list(
            User.USERNAME_FIELD, flat=True
        )
    }
    missing_users = wanted - existing

    media = [e for e in manifest["files"] if e["path"].startswith(f"{MEDIA_DIR}/")]
    to_write = []
    for entry in media:
        name = entry["path"][len(MEDIA_DIR) + 1 :]
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as fh:
                if hashlib.sha256(fh.read()).hexdigest() != entry["sha256"]:
                    raise ArchiveError(f"媒体存储中已有不同内容的同名文件 {name}；不覆盖，拒绝恢复")
        else:
            to_write.append(name)
    written = []
    try:
        with transaction.atomic():
            _ensure_empty()
            needs = {}
            for name, model in _models():
                count = 0
                for data in _objects(indir / name, model, missing_users, summary):
                    try:
                        [obj] = serializers.deserialize("python", [data])
                    except serializers.base.DeserializationError as exc:
                        raise ArchiveError(f"{name} 中的记录 {data.get('pk')} 无法读取：{exc}") from None
                    _keep_dimensions(obj.object, data["fields"])
                    _check_record(obj.object, needs)
                    obj.save()
                    count += 1
                expected = next((e.get("records") for e in manifest["files"] if e["path"] == name), 0)
                if expected is not None and count != expected:
                    raise ArchiveError(f"{name} 有 {count} 条记录，清单写的是 {expected} 条")
                summary.records[name] = count
            _check_media(indir, [e["path"][len(MEDIA_DIR) + 1 :] for e in media], needs)
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [m for _, m in _models()]):
                    cursor.execute(sql)
            for name in to_write:
                with open(indir / MEDIA_DIR / name, "rb") as fh:
                    saved = default_storage.save(name, File(fh, name=name))
                written.append(saved)
                if saved != name:
                    raise ArchiveError(f"媒体存储把 {name} 存成了 {saved}，无法保持原名")
            # A page restored with its PDF and no scan gets the scan rendered, as in the admin.
            for page in Page.objects.filter(image="").exclude(pdf=""):
                page.save()
                if page.image:
                    written.extend(n for n in (page.image.name, page.thumbnail.name) if n)
    except ArchiveError as exc:
        _delete(written)
        raise ArchiveError(f"{exc}{UNCHANGED}") from None
    except Exception:
        _delete(written)
        raise
    summary.files = len(media)
    return summary


def _delete(names):
    for name in names:
        default_storage.delete(name)
