"""``manage.py import_articles PATH [PATH ...]``: import archive text files, scans and PDFs."""

from collections import Counter
from contextlib import nullcontext

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from articles.importing.decoding import DecodeError, check_encoding
from articles.importing.parallel import import_in_parallel
from articles.importing.results import (
    CREATED,
    DUPLICATE,
    FAILED,
    SKIPPED,
    STATUS_ZH,
    UNCHANGED,
    UPDATED,
    write_report,
)
from articles.importing.service import ImportRun, collect
from articles.search import index as search_index

# The exit status of a run where nothing failed but duplicates were found (1: a file failed).
DUPLICATES_EXIT_STATUS = 3


class Command(BaseCommand):
    help = (
        "导入往期稿件文本（职工天地 报头、标题、出处行、署名、正文）以及期文件夹 <YYYY-MM-DD>/ 中的"
        "版面扫描图（A01.jpg|png|tif）和 PDF（A01.pdf）。每个文件一个事务；可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="文件或文件夹（递归）")
        parser.add_argument("--draft", action="store_true", help="新建的期和稿件为草稿（默认已发布）")
        parser.add_argument("--dry-run", action="store_true", help="只报告将新建、更新或不变的内容，不写入")
        parser.add_argument("--encoding", help="强制使用的文本编码，如 gb18030（默认自动识别 UTF-8 / GB18030）")
        parser.add_argument("--report", metavar="FILE", help="写出逐文件 CSV 报告（file, status, article, message）")
        parser.add_argument("--user", metavar="USERNAME", help="记入修订历史的操作人用户名")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="同日、同版、同题而正文不同的稿件（更正后的重新抓取）替换原稿，而不是另建一篇",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            metavar="BYTES",
            help=f"单个文本文件的大小上限（默认 {settings.IMPORT_MAX_FILE_BYTES:,} 字节，设置 IMPORT_MAX_FILE_BYTES）",
        )
        parser.add_argument(
            "--max-chars",
            type=int,
            metavar="CHARS",
            help=f"每篇正文的字数上限（默认 {settings.IMPORT_MAX_ARTICLE_CHARS:,}，设置 IMPORT_MAX_ARTICLE_CHARS）",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="并行进程数（按期分组，每个文件仍是一个事务；需 PostgreSQL 或 SQLite 文件库）",
        )

    def handle(
        self,
        *args,
        paths,
        draft,
        dry_run,
        encoding,
        report,
        user,
        no_progress,
        workers,
        verbosity,
        replace,
        max_bytes,
        max_chars,
        **options,
    ):
        if encoding:
            try:
                encoding = check_encoding(encoding)
            except DecodeError as exc:
                raise CommandError(str(exc)) from None
        account = None
        if user:
            User = get_user_model()
            account = User.objects.filter(**{User.USERNAME_FIELD: user}).first()
            if account is None:
                raise CommandError(f"用户 {user} 不存在（--user）")
        files = collect(paths)
        for name, value in (("--max-bytes", max_bytes), ("--max-chars", max_chars)):
            if value is not None and value <= 0:
                raise CommandError(f"{name} 应为正整数")
        options = {
            "draft": draft,
            "dry_run": dry_run,
            "encoding": encoding,
            "user": account,
            "replace": replace,
            "max_bytes": max_bytes,
            "max_chars": max_chars,
        }
        if not dry_run:
            # A run killed after committing files but before indexing their chunk left
            # articles out of the search index: index them before anything else.
            repaired = search_index.index_missing()
            if repaired:
                self.stderr.write(f"已为 {repaired} 篇尚未编入检索索引的稿件补建索引（上次导入可能中途被终止）")
        if workers > 1:
            if connection.vendor == "sqlite" and connection.is_in_memory_db():
                raise CommandError("--workers 需要 PostgreSQL 或 SQLite 文件数据库（内存数据库无法在进程间共享）")
            results_iter = import_in_parallel(files, workers=workers, **options)
            session = nullcontext()
        else:
            run = ImportRun(**options)
            results_iter = run.import_files(files)
            session = run.session()
        files_by_status = Counter()
        articles_by_status = Counter()
        results = []
        bar = tqdm(
            total=len(files),
            unit="文件",
            disable=True if no_progress else None,
            file=self.stderr._out,
            dynamic_ncols=True,
        )
        with session:
            for result in results_iter:
                bar.update(1)
                self._record(result, results, files_by_status, articles_by_status, bar, verbosity)
        bar.close()
        if report:
            write_report(report, results)
        prefix = "试运行（未写入）" if dry_run else "完成"
        counts = [files_by_status[s] for s in (CREATED, UPDATED, UNCHANGED, FAILED, SKIPPED)]
        duplicates = [(r.path, row) for r in results for row in r.rows if row.status == DUPLICATE]
        near = [(r.path, row) for r in results for row in r.rows if row.near_duplicate]
        self.stdout.write(
            f"{prefix}：{len(files)} 个文件 — 新导入 {counts[0]}，更新 {counts[1]}，未变 {counts[2]}，"
            f"失败 {counts[3]}，跳过 {counts[4]}；稿件与版面文件：新导入 {articles_by_status[CREATED]}，"
            f"更新 {articles_by_status[UPDATED]}，未变 {articles_by_status[UNCHANGED]}，"
            f"重复未导入 {len(duplicates)}，疑似重复 {len(near)}。"
        )
        for path, row in duplicates:
            self.stdout.write(f"重复 {path}: 是稿件 {row.article} 的重复，未导入")
        for path, row in near:
            self.stdout.write(f"疑似重复 {path}: {row.article} — {row.message}")
        self.stdout.write(
            f"imported={counts[0]} updated={counts[1]} unchanged={counts[2]} failed={counts[3]} skipped={counts[4]}"
            f" duplicate={len(duplicates)} near_duplicate={len(near)}" + (" (dry run)" if dry_run else "")
        )
        if counts[3]:
            raise CommandError(f"{counts[3]} 个文件导入失败（见上方各行：文件、行号和原因）")
        if duplicates or near:
            # Exit status 3: nothing failed, but something is for a person to look at (docs/importing.md).
            raise CommandError(
                f"{len(duplicates)} 篇与已有稿件重复、未导入，{len(near)} 篇疑似重复；见上方各行与 --report",
                returncode=DUPLICATES_EXIT_STATUS,
            )

    def _record(self, result, results, files_by_status, articles_by_status, bar, verbosity):
        results.append(result)
        files_by_status[result.status] += 1
        for row in result.rows:
            articles_by_status[row.status] += 1
        if result.status == FAILED:
            bar.write(f"失败 {result.path}: {result.message}", file=self.stderr._out)
        elif verbosity >= 2 or (verbosity >= 1 and result.status == SKIPPED):
            line = f"{STATUS_ZH[result.status]} {result.path}" + (f": {result.message}" if result.message else "")
            bar.write(line, file=self.stdout._out)
