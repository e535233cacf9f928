"""Search the archive from the command line: one hit per line, citation and headline."""

from django.core.management.base import BaseCommand, CommandError

from articles.search import results
from articles.search.backends import SORTS


class Command(BaseCommand):
    help = "检索往期报纸，每行一条：引文与主标题。"

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="?", default="", help='检索词，如 法律援助 或 "职工书屋" -培训')
        parser.add_argument("--start", help="起始日期 YYYY-MM-DD")
        parser.add_argument("--end", help="截止日期 YYYY-MM-DD")
        parser.add_argument("--page-code", help="版次，如 A34")
        parser.add_argument("--theme", help="主题（slug）")
        parser.add_argument("--author", help="作者名")
        parser.add_argument("--sort", choices=SORTS, default="relevance")
        parser.add_argument("--limit", type=int, default=1000, help="最多显示多少条（默认 1000）")

    def handle(self, *args, **options):
        data = {
            "q": options["query"],
            "start": options["start"] or "",
            "end": options["end"] or "",
            "page_code": options["page_code"] or "",
            "theme": options["theme"] or "",
            "author": options["author"] or "",
            "sort": options["sort"],
        }
        found, articles = results.all_articles(data, limit=options["limit"])
        if found.errors:
            raise CommandError("；".join(found.errors))
        if found.empty:
            raise CommandError("请给出检索词，或至少一个筛选条件（--start/--end/--page-code/--theme/--author）。")
        for article in articles:
            self.stdout.write(f"{article.citation}\t{article.headline}")
        self.stderr.write(f"共 {len(articles):,} 条。")
