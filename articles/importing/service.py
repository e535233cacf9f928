"""Import archive files (article text, page scans, page PDFs) into the paper.

One file is one transaction: a file either imports whole or leaves nothing.
An :class:`ImportRun` keeps the issues and pages it has seen, so a run over
thousands of files looks each one up once, not once per article.

Identity: an imported article's ``source_key`` is
``<date>/<file name>#<n>`` — the issue date from the masthead, the file's
name without its folder, and the article's position in the file. It stays
the same when a corrected copy of the file is imported again from any
folder, so the article is updated in place (same id, same URL). The
``source_checksum`` is a sha256 of everything the import writes; an equal
checksum means "unchanged" and nothing is written.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import io
import logging
import re
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from articles.models import Article
from articles.sanitize import clean_html
from articles.search import index as search_index
from issues.models import Issue, Page, normalize_page_code, page_sort_key, validate_page_code
from unionpaper.cache import DeferredBumps
from unionpaper.publishing import Status
from unionpaper.uploads import inspect_image, validate_pdf_upload

from .decoding import DecodeError, decode
from .parser import ParsedArticle, ParseError, date_out_of_range, first_date, parse

TEXT_SUFFIXES = {".txt", ".text"}
SCAN_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff"}
PDF_SUFFIXES = {".pdf"}
_DATE_FOLDER = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# What makes a scan's or PDF's file name a page code at all (others are skipped);
# issues.models.validate_page_code then says whether it is an acceptable one.
_PAGE_CODE = re.compile(r"^[A-Z]*\d+[A-Z]*$")

CREATED, UPDATED, UNCHANGED, FAILED, SKIPPED = "created", "updated", "unchanged", "failed", "skipped"
STATUS_ZH = {CREATED: "新导入", UPDATED: "更新", UNCHANGED: "未变", FAILED: "失败", SKIPPED: "跳过"}
_FIELD_LABELS = {
    "kicker": "引题",
    "headline": "主标题",
    "subtitle": "副标题",
    "byline": "署名",
    "body": "正文",
    "page": "版面",
}


_RACE = "数据库拒绝写入"

logger = logging.getLogger(__name__)


class ImportFailure(Exception):
    """A file that cannot be imported; the message names the reason (and line)."""


class _DryRun(Exception):
    """Raised to roll back a dry run's transaction."""


@dataclass
class Row:
    """One line of the report: what happened to one article or page file."""

    status: str
    article: str = ""
    message: str = ""


@dataclass
class FileResult:
    path: Path
    status: str
    rows: list[Row] = field(default_factory=list)

    @property
    def message(self) -> str:
        return "；".join(r.message for r in self.rows if r.message)


def collect(paths) -> list[Path]:
    """Return the files under ``paths`` (files or folders), sorted, each once."""
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    found.setdefault(child, None)
        else:
            found.setdefault(path, None)
    return list(found)


def folder_date(path: Path) -> datetime.date | None:
    """Return the date of an issue folder ``<YYYY-MM-DD>/`` holding ``path``, if it is one."""
    m = _DATE_FOLDER.match(path.parent.name)
    if not m:
        return None
    try:
        return datetime.date(*map(int, m.groups()))
    except ValueError:
        return None


def source_key(path: Path, parsed: ParsedArticle) -> str:
    return f"{parsed.date.isoformat()}/{path.name}#{parsed.ordinal}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _describe_body_change(old_html: str, new_paragraphs: list[str]) -> str:
    old = [p for p in re.split(r"</p>\s*<p>|</?p>", old_html or "") if p.strip()]
    new = [clean_html(f"<p>{p}</p>")[3:-4] for p in new_paragraphs]
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "replace":
            parts.append(f"改第 {j1 + 1}{f'–{j2}' if j2 - j1 > 1 else ''} 段")
        elif op == "insert":
            parts.append(f"增第 {j1 + 1}{f'–{j2}' if j2 - j1 > 1 else ''} 段")
        elif op == "delete":
            parts.append(f"删原第 {i1 + 1}{f'–{i2}' if i2 - i1 > 1 else ''} 段")
    return "、".join(parts) or "格式"


class ImportRun:
    """Import files one transaction each, remembering issues and pages across files."""

    def __init__(self, *, draft: bool = False, dry_run: bool = False, encoding: str | None = None, user=None):
        self.draft = draft
        self.dry_run = dry_run
        self.encoding = encoding
        self.user = user
        self.papers = tuple({settings.PAPER_NAME, "职工天地"})
        self._issues: dict[datetime.date, Issue] = {}
        self._pages: dict[tuple[int, str], Page] = {}
        self._next_order: dict[int, int] = {}
        self._media_seen: dict[tuple[datetime.date, str, str], Path] = {}
        # source_key -> (id, headline, checksum) of articles known to exist, or None when known absent.
        self._known: dict[str, tuple[int, str, str] | None] = {}
        self._touched: list[str] = []
        # Articles this file created, and (inside import_files) those of committed files not yet indexed.
        self._created: list[int] = []
        self._unindexed: list[int] | None = None

    # --- entry points --------------------------------------------------------
    def import_files(self, paths, *, chunk: int = 250):
        """Yield a FileResult per path; files are read ahead in chunks to look up their articles at once.

        Articles a file creates are indexed for search together with the rest
        of its chunk, in one statement after those files have committed (an
        update in place is still indexed inside its file's transaction). A
        run killed in between leaves them unindexed; the next run indexes
        them first (``search_index.index_missing``), as does
        ``rebuild_search_index --missing``.
        """
        paths = [Path(p) for p in paths]
        for start in range(0, len(paths), chunk):
            batch = paths[start : start + chunk]
            prepared = {p: self.prepare(p) for p in batch if p.suffix.lower() in TEXT_SUFFIXES and p.is_file()}
            self._look_up(prepared)
            self._unindexed = []
            # Cached public pages start afresh once per chunk, not once per saved row;
            # deferring never spans a yield, so the caller's own saves bump as usual.
            bumps = DeferredBumps()
            try:
                for path in batch:
                    with bumps.deferring():
                        result = self.import_file(path, prepared.get(path))
                    yield result
            finally:
                unindexed, self._unindexed = self._unindexed, None
                with bumps.deferring():
                    search_index.update_committed(unindexed)
                bumps.flush()

    def prepare(self, path: Path):
        """Return the parsed articles of a text file, or the error that stops it."""
        try:
            text, _encoding = decode(path.read_bytes(), self.encoding)
            return parse(text, self.papers)
        except Exception as exc:
            return exc

    def first_date(self, path: Path) -> datetime.date | None:
        """Return the date of the first masthead in a text file, or None when it cannot be read."""
        try:
            text, _encoding = decode(path.read_bytes(), self.encoding)
            return first_date(text, self.papers)
        except Exception:
            return None

    def _look_up(self, prepared: dict):
        keys = {source_key(path, a) for path, result in prepared.items() if isinstance(result, list) for a in result}
        keys -= self._known.keys()
        if not keys:
            return
        self._known.update(dict.fromkeys(keys))
        rows = Article.objects.filter(source_key__in=keys).values_list(
            "source_key", "pk", "headline", "source_checksum"
        )
        for key, pk, headline, checksum in rows:
            self._known[key] = (pk, headline, checksum)

    def session(self):
        """Return a context for the whole run (PostgreSQL: commits without waiting for the disk)."""
        return _fast_commits()

    def import_file(self, path: Path, prepared=None) -> FileResult:
        """Import one file in one transaction; never raise for bad input."""
        for attempt in range(5):
            result = self._import_file(Path(path), prepared)
            # Another worker created the same issue or page a moment ago, or (SQLite)
            # held the write lock: the file was rolled back whole, so try it again.
            if result.status != FAILED or not result.rows[0].message.startswith(_RACE):
                break
            time.sleep(0.05 * (attempt + 1))
        return result

    def _import_file(self, path: Path, prepared=None) -> FileResult:
        self._touched = []
        self._created = []
        suffix = path.suffix.lower()
        if not path.exists():
            return FileResult(path, FAILED, [Row(FAILED, message="文件或文件夹不存在")])
        if suffix in TEXT_SUFFIXES:
            handler = lambda p: self._import_text(p, prepared)  # noqa: E731
        elif suffix in SCAN_SUFFIXES or suffix in PDF_SUFFIXES:
            handler = self._import_media
        else:
            return FileResult(
                path,
                SKIPPED,
                [Row(SKIPPED, message=f"不是稿件文本、版面扫描图或 PDF（{suffix or '无扩展名'}），未处理")],
            )
        try:
            # The file's articles are indexed for search once each, inside its transaction,
            # or (new articles, inside import_files) with their chunk once it has committed.
            with transaction.atomic(), search_index.deferred() as to_index:
                rows = handler(path)
                if self.dry_run:
                    raise _DryRun(rows)
                if self._unindexed is not None:
                    to_index.difference_update(self._created)
            if self._unindexed is not None:
                self._unindexed.extend(self._created)
        except _DryRun as done:
            self._forget()
            rows = done.args[0]
        except _Skip:
            message = "扫描图和 PDF 应放在 <YYYY-MM-DD>/ 期文件夹中，以版次命名（如 2023-01-01/A01.jpg），未处理"
            return FileResult(path, SKIPPED, [Row(SKIPPED, message=message)])
        except (ImportFailure, ParseError, DecodeError, ValidationError, OSError) as exc:
            self._forget()
            message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            return FileResult(path, FAILED, [Row(FAILED, message=message)])
        except OperationalError as exc:
            if "locked" not in str(exc):
                return self._unexpected(path, exc)
            self._forget()
            return FileResult(
                path, FAILED, [Row(FAILED, message=f"{_RACE}（数据库正被另一进程写入，重新运行即可）：{exc}")]
            )
        except IntegrityError as exc:
            self._forget()
            message = f"{_RACE}（可能另一个导入正同时处理同一文件，重新运行即可）：{exc}"
            return FileResult(path, FAILED, [Row(FAILED, message=message)])
        except Exception as exc:
            # KeyboardInterrupt and SystemExit are not Exceptions: they still stop the run.
            return self._unexpected(path, exc)
        statuses = {r.status for r in rows}
        status = next((s for s in (CREATED, UPDATED, SKIPPED) if s in statuses), UNCHANGED)
        return FileResult(path, status, rows)

    def _unexpected(self, path: Path, exc: Exception) -> FileResult:
        # Anything unforeseen (a bug, a value the database cannot store, a lost connection)
        # fails this file only: its transaction has been rolled back by leaving the atomic
        # block, the run goes on with the next file, and the report is still written.
        self._forget()
        logger.error("import_articles: unexpected error in %s", path, exc_info=exc)
        message = f"导入时出现意外错误，此文件未导入（{type(exc).__name__}: {exc}）；详情见日志，请转技术人员处理"
        return FileResult(path, FAILED, [Row(FAILED, message=message)])

    # --- issues and pages, cached across files ------------------------------
    def _forget(self):
        # Rows created in a rolled-back transaction are gone; so is what we cached.
        self._issues.clear()
        self._pages.clear()
        self._next_order.clear()
        for key in self._touched:
            self._known.pop(key, None)
        self._touched = []

    def _publish_at(self, date: datetime.date) -> datetime.datetime:
        # A back issue was public from the day it was printed.
        return timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))

    def _issue(self, date: datetime.date) -> Issue:
        issue = self._issues.get(date)
        if issue is None:
            issue = Issue.objects.filter(date=date).first()
            if issue is None:
                status = Status.DRAFT if self.draft else Status.PUBLISHED
                issue = Issue(date=date, status=status, publish_at=None if self.draft else self._publish_at(date))
                issue.save()
            else:
                # All its pages at once: a page not among them is created without asking again.
                for page in Page.objects.filter(issue=issue):
                    page.issue = issue
                    self._pages[(issue.pk, page.sort_key)] = page
            self._issues[date] = issue
        return issue

    def _page(self, issue: Issue, code: str) -> Page:
        """Return the issue's page, creating it when missing (``issue`` comes from ``_issue``)."""
        code = normalize_page_code(code)
        key = (issue.pk, page_sort_key(code))
        page = self._pages.get(key)
        if page is None:
            # Another process creating the same page meanwhile makes the insert fail;
            # the file is then rolled back and tried again with fresh look-ups.
            page = Page(issue=issue, code=code)
            page.save()
            self._next_order[page.pk] = 0
            self._pages[key] = page
        return page

    def _order(self, page: Page) -> int:
        if page.pk not in self._next_order:
            last = Article.objects.filter(page=page).order_by("-order").values_list("order", flat=True).first()
            self._next_order[page.pk] = 0 if last is None else last + 1
        order = self._next_order[page.pk]
        self._next_order[page.pk] = order + 1
        return order

    # --- article text ---------------------------------------------------------
    def _import_text(self, path: Path, prepared=None) -> list[Row]:
        parsed_articles = self.prepare(path) if prepared is None else prepared
        if isinstance(parsed_articles, Exception):
            raise parsed_articles
        expected = folder_date(path)
        rows = []
        for parsed in parsed_articles:
            if expected and expected != parsed.date:
                parsed.warnings.append(
                    f"文件在 {expected.isoformat()} 文件夹中，报头日期却是 {parsed.date.isoformat()}；以报头为准"
                )
            self._check_lengths(parsed)
            self._check_page_code(parsed)
            rows.append(self._save_article(path, parsed))
        return rows

    def _check_lengths(self, parsed: ParsedArticle):
        for name in ("kicker", "headline", "subtitle", "byline"):
            limit = Article._meta.get_field(name).max_length
            if len(getattr(parsed, name)) > limit:
                label = _FIELD_LABELS[name]
                raise ImportFailure(
                    f"第 {parsed.line} 行起的稿件：{label}有 {len(getattr(parsed, name))} 字，超过 {limit} 字上限"
                )

    def _check_page_code(self, parsed: ParsedArticle):
        try:
            validate_page_code(parsed.page_code)
        except ValidationError as exc:
            raise ImportFailure(f"第 {parsed.line} 行起的稿件：出处行的{'；'.join(exc.messages)}") from None

    def _save_article(self, path: Path, parsed: ParsedArticle) -> Row:
        key = source_key(path, parsed)
        checksum = parsed.checksum
        warnings = "；".join(parsed.warnings)
        if key in self._known:
            known = self._known[key]
            if known is not None and known[2] == checksum:
                return Row(UNCHANGED, f"{known[0]} {known[1]}", warnings)
            existing = None if known is None else Article.objects.get(pk=known[0])
        else:
            existing = Article.objects.filter(source_key=key).first()
            if existing is not None and existing.source_checksum == checksum:
                return Row(UNCHANGED, self._label(existing), warnings)
        self._touched.append(key)
        page = self._page(self._issue(parsed.date), parsed.page_code)
        values = {
            "kicker": parsed.kicker,
            "headline": parsed.headline,
            "subtitle": parsed.subtitle,
            "byline": parsed.byline,
            "body": parsed.body_html,
        }
        if existing is None:
            article = Article(page=page, order=self._order(page), source_key=key, source_checksum=checksum, **values)
            article.created_by = self.user
            if self.draft:
                article.status = Status.DRAFT
            else:
                article.status, article.publish_at = Status.PUBLISHED, self._publish_at(parsed.date)
            article.save()
            self._created.append(article.pk)
            self._known[key] = (article.pk, article.headline, checksum)
            return Row(CREATED, self._label(article), warnings)
        return self._update(existing, page, values, checksum, path, parsed, warnings)

    def _update(self, article, page, values, checksum, path, parsed, warnings) -> Row:
        changed = [name for name, value in values.items() if name != "body" and getattr(article, name) != value]
        if clean_html(values["body"]) != article.body:
            changed.append("body")
        if article.page_id != page.pk:
            changed.append("page")
            article.page, article.order = page, self._order(page)
        labels = "、".join(_FIELD_LABELS[c] for c in changed) or "无可见改动（来源文件格式变化）"
        comment = f"由 import_articles 从 {path.name} 更新：{labels}"
        if "body" in changed:
            comment += f"（正文：{_describe_body_change(article.body, parsed.paragraphs)}）"
        track = reversion.is_registered(Article) and not self.dry_run
        if track and article.status == Status.PUBLISHED and "body" in changed:
            from reversion.models import Version

            if not Version.objects.get_for_object(article).exists():
                # Keep the text as it was before this import, so the history can compare.
                with reversion.create_revision(atomic=False):
                    reversion.add_to_revision(Article.objects.get(pk=article.pk))
                    reversion.set_comment("导入更新前的内容")
                    reversion.set_user(self.user)
        for name, value in values.items():
            setattr(article, name, value)
        article.source_checksum = checksum
        with reversion.create_revision(atomic=False) if track else nullcontext():
            article.save()
            if track:
                reversion.set_comment(comment)
                reversion.set_user(self.user)
        self._known[article.source_key] = (article.pk, article.headline, checksum)
        return Row(UPDATED, self._label(article), "；".join(filter(None, [comment, warnings])))

    @staticmethod
    def _label(article: Article) -> str:
        return f"{article.pk} {article.headline}" if article.pk else article.headline

    # --- page scans and PDFs ---------------------------------------------------
    def _import_media(self, path: Path) -> list[Row]:
        date = folder_date(path)
        code = normalize_page_code(path.stem)
        if date is None or not _PAGE_CODE.match(code):
            raise _Skip(path)
        if reason := date_out_of_range(date, path.parent.name):
            raise ImportFailure(f"期文件夹{reason}")
        validate_page_code(code)  # a ValidationError fails the file with its message
        kind = "pdf" if path.suffix.lower() in PDF_SUFFIXES else "image"
        other = self._media_seen.setdefault((date, page_sort_key(code), kind), path)
        if other != path:
            raise ImportFailure(
                f"第 {code} 版已有文件 {other.name}；同一版只能有一个{'PDF' if kind == 'pdf' else '扫描图'}"
            )
        data = path.read_bytes()
        if kind == "image":
            fmt = inspect_image(io.BytesIO(data))
            name = f"{code}.{ {'JPEG': 'jpg', 'PNG': 'png', 'TIFF': 'tif'}.get(fmt, fmt.lower()) }"
        else:
            stream = io.BytesIO(data)
            stream.size = len(data)
            validate_pdf_upload(stream)
            name = f"{code}.pdf"
        page = self._page(self._issue(date), code)
        current = getattr(page, kind)
        label = f"第{page.code}版{'PDF' if kind == 'pdf' else '扫描图'}"
        if current and self._stored_sha256(current) == sha256_bytes(data):
            return [Row(UNCHANGED, label)]
        status = UPDATED if current else CREATED
        if not self.dry_run:
            setattr(page, kind, File(io.BytesIO(data), name=name))
            page.save()
        return [Row(status, label)]

    @staticmethod
    def _stored_sha256(fieldfile) -> str | None:
        try:
            with fieldfile.storage.open(fieldfile.name, "rb") as fh:
                digest = hashlib.sha256()
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
                return digest.hexdigest()
        except OSError:
            return None


class _Skip(Exception):
    pass


@contextmanager
def _fast_commits():
    # Each file is still all-or-nothing; PostgreSQL just does not wait for the
    # disk at every commit. A crash can lose the last fraction of a second of
    # committed files, never half a file, and the idempotent re-run restores them.
    fast = connection.vendor == "postgresql"
    if fast:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        if fast and connection.connection is not None and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
