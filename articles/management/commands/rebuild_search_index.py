"""Rebuild the archive search index from the articles table."""

import time

from django.core.management.base import BaseCommand

from articles.search import index


class Command(BaseCommand):
    help = "重建全文检索索引（分批进行并显示进度）。--missing 只补建尚未索引的稿件。"

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="只索引还没有索引的稿件，保留已有的。")
        parser.add_argument("--batch-size", type=int, default=1000, help="每批稿件数（默认 1000）。")
        parser.add_argument("--workers", type=int, default=1, help="并行分词的进程数（默认 1）。")

    def handle(self, *args, missing=False, batch_size=1000, workers=1, verbosity=1, **options):
        started = time.monotonic()

        def progress(message):
            if verbosity:
                self.stdout.write(message)

        count = index.rebuild(missing_only=missing, batch_size=batch_size, workers=workers, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"已索引 {count:,} 篇稿件，用时 {time.monotonic() - started:.1f} 秒。"))
