"""Import archive files (article text, page scans, page PDFs) into the paper.

One file is one transaction: a file either imports whole or leaves nothing.
An :class:`ImportRun` keeps the issues and pages it has seen, so a run over
thousands of files looks each one up once, not once per article.

Where each part lives: reading and parsing text files (``decoding``,
``parser``), the issues and pages written into (``places``), saving parsed
articles (``text``), scans and PDFs of issue folders (``media``), what
happened to each file and the ``--report`` CSV (``results``); this module
runs the files, one transaction each, and turns every outcome into a result.
"""

from __future__ import annotations

import datetime
import functools
import logging
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction

from articles.search import index as search_index
from unionpaper.cache import DeferredBumps

from .decoding import DecodeError, decode
from .media import MEDIA_SUFFIXES, NotAPageFile, PageFiles, folder_date
from .parser import ParsedArticle, ParseError, first_date, parse
from .places import Places
from .results import (
    CREATED,
    DUPLICATE,
    FAILED,
    SKIPPED,
    STATUS_ZH,
    UNCHANGED,
    UPDATED,
    FileResult,
    ImportFailure,
    Row,
)
from .text import ArticleTexts, check

__all__ = [
    "CREATED",
    "DUPLICATE",
    "FAILED",
    "SKIPPED",
    "STATUS_ZH",
    "TEXT_SUFFIXES",
    "UNCHANGED",
    "UPDATED",
    "FileResult",
    "ImportFailure",
    "ImportRun",
    "Row",
    "collect",
    "folder_date",
]

TEXT_SUFFIXES = {".txt", ".text"}
# How the message begins when another writer got there first and the file was rolled back whole.
_RACE = "数据库拒绝写入"
ATTEMPTS = 5

logger = logging.getLogger(__name__)


class _DryRun(Exception):
    """Raised to roll back a dry run's transaction."""


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


class ImportRun:
    """Import files one transaction each, remembering issues and pages across files."""

    def __init__(
        self,
        *,
        draft: bool = False,
        dry_run: bool = False,
        encoding: str | None = None,
        user=None,
        replace: bool = False,
        max_bytes: int | None = None,
        max_chars: int | None = None,
    ):
        self.draft = draft
        self.dry_run = dry_run
        self.encoding = encoding
        self.user = user
        self.max_bytes = max_bytes or settings.IMPORT_MAX_FILE_BYTES
        self.max_chars = max_chars or settings.IMPORT_MAX_ARTICLE_CHARS
        self.papers = tuple(dict.fromkeys((settings.PAPER_NAME, "职工天地")))  # the paper's own name first
        self.places = Places(draft=draft)
        self.texts = ArticleTexts(self.places, draft=draft, dry_run=dry_run, user=user, replace=replace)
        self.page_files = PageFiles(self.places, dry_run=dry_run)
        # Inside import_files: articles of committed files not yet indexed for search.
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
            self.texts.look_up(prepared)
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
        """Return the parsed articles of a text file, or the error that stops it (a limit, the grammar)."""
        try:
            self.check_size(path)
            text, _encoding = decode(path.read_bytes(), self.encoding)
            articles = parse(text, self.papers)
            for article in articles:
                length = sum(len(p) for p in article.paragraphs)
                if length > self.max_chars:
                    raise ImportFailure(
                        f"第 {article.line} 行起的稿件正文有 {length:,} 字，超过每篇 {self.max_chars:,} 字的导入上限"
                        "（--max-chars 或设置 IMPORT_MAX_ARTICLE_CHARS）；整个文件未导入"
                    )
            return articles
        except Exception as exc:
            return exc

    def check_size(self, path: Path):
        """Refuse a text file over the size limit before reading it."""
        size = path.stat().st_size
        if size > self.max_bytes:
            raise ImportFailure(
                f"文件有 {_size(size)}，超过导入上限 {_size(self.max_bytes)}"
                "（--max-bytes 或设置 IMPORT_MAX_FILE_BYTES）；整个文件未导入"
            )

    def first_date(self, path: Path) -> datetime.date | None:
        """Return the date of the first masthead in a text file, or None when it cannot be read."""
        try:
            self.check_size(path)
            text, _encoding = decode(path.read_bytes(), self.encoding)
            return first_date(text, self.papers)
        except Exception:
            return None

    def session(self):
        """Return a context for the whole run (PostgreSQL: commits without waiting for the disk)."""
        return _fast_commits()

    def import_file(self, path: Path, prepared=None) -> FileResult:
        """Import one file in one transaction; never raise for bad input."""
        for attempt in range(ATTEMPTS):
            result = self._import_file(Path(path), prepared)
            if not result.retry:
                break
            time.sleep(0.05 * (attempt + 1))
        return result

    # --- one file --------------------------------------------------------------
    def _import_file(self, path: Path, prepared=None) -> FileResult:
        self.texts.start_file()
        suffix = path.suffix.lower()
        if not path.exists():
            return FileResult.failed(path, "文件或文件夹不存在")
        if suffix in TEXT_SUFFIXES:
            handler = functools.partial(self._import_text, prepared=prepared)
        elif suffix in MEDIA_SUFFIXES:
            handler = self.page_files.import_file
        else:
            return FileResult.skipped(path, f"不是稿件文本、版面扫描图或 PDF（{suffix or '无扩展名'}），未处理")
        try:
            # The file's articles are indexed for search once each, inside its transaction,
            # or (new articles, inside import_files) with their chunk once it has committed.
            with transaction.atomic(), search_index.deferred() as to_index:
                rows = handler(path)
                if self.dry_run:
                    raise _DryRun(rows)
                if self._unindexed is not None:
                    to_index.difference_update(self.texts.created)
            if self._unindexed is not None:
                self._unindexed.extend(self.texts.created)
        except _DryRun as done:
            self._forget()
            rows = done.args[0]
        except NotAPageFile:
            return FileResult.skipped(path, NotAPageFile.message)
        except (ImportFailure, ParseError, DecodeError, ValidationError, OSError) as exc:
            self._forget()
            message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            return FileResult.failed(path, message)
        except OperationalError as exc:
            if "locked" not in str(exc):
                return self._unexpected(path, exc)
            # SQLite: another process held the write lock; the file was rolled back whole.
            self._forget()
            return FileResult.failed(path, f"{_RACE}（数据库正被另一进程写入，重新运行即可）：{exc}", retry=True)
        except IntegrityError as exc:
            # Another worker created the same issue or page a moment ago; the file was rolled back whole.
            self._forget()
            message = f"{_RACE}（可能另一个导入正同时处理同一文件，重新运行即可）：{exc}"
            return FileResult.failed(path, message, retry=True)
        except Exception as exc:
            # KeyboardInterrupt and SystemExit are not Exceptions: they still stop the run.
            return self._unexpected(path, exc)
        return FileResult.of_rows(path, rows)

    def _import_text(self, path: Path, prepared=None) -> list[Row]:
        parsed_articles = self.prepare(path) if prepared is None else prepared
        if isinstance(parsed_articles, Exception):
            raise parsed_articles
        rows = []
        for parsed in parsed_articles:
            check(path, parsed)
            rows.append(self._save_article(path, parsed))
        return rows

    def _save_article(self, path: Path, parsed: ParsedArticle) -> Row:
        """Write one article of the file: the step each parsed article of a text file goes through."""
        return self.texts.save(path, parsed)

    def _unexpected(self, path: Path, exc: Exception) -> FileResult:
        # Anything unforeseen (a bug, a value the database cannot store, a lost connection)
        # fails this file only: its transaction has been rolled back by leaving the atomic
        # block, the run goes on with the next file, and the report is still written.
        self._forget()
        logger.error("import_articles: unexpected error in %s", path, exc_info=exc)
        message = f"导入时出现意外错误，此文件未导入（{type(exc).__name__}: {exc}）；详情见日志，请转技术人员处理"
        return FileResult.failed(path, message)

    def _forget(self):
        # Rows created in a rolled-back transaction are gone; so is what we cached of them.
        self.places.forget()
        self.texts.forget()


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


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
