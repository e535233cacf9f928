"""The longest article an import allows: how long it takes to show, and to show with search terms marked.

    .venv/bin/python bench/reader/long_article.py [--repeat 5]

Builds one article whose body is exactly ``IMPORT_MAX_ARTICLE_CHARS``
characters (100,000 by default) of newspaper prose, through the real import
command, in a scratch SQLite database (or ``BENCH_DATABASE_URL``), and fetches
its page through Django's whole stack with production settings and the page
cache off: plain, then arriving from a search (``?q=``) for a frequent term,
for two terms, and for a term it does not hold. Median and worst of
``--repeat`` runs after a warm-up, and the size of the HTML. Writes the table
to docs/performance.md between the ``bench:long-article`` markers.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import scale  # noqa: E402  (after the path that makes it importable)

SENTENCES = [
    "市总工会在全市开展“岗位练兵、技能比武”活动，参赛职工达三万余人次。",
    "一批青年技术骨干脱颖而出，获奖职工按政策晋升技能等级。",
    "工会组织走访慰问困难职工家庭，送去米面油和慰问金。",
    "职工书屋开进车间和工地，藏书两千余册，方便一线职工借阅。",
    "法律援助律师为农民工讨回欠薪，维护了劳动者的合法权益。",
]


def body_of(chars: int) -> list[str]:
    """Return paragraphs of about 300 characters that add up to exactly ``chars``."""
    text = "".join(SENTENCES[i % len(SENTENCES)] for i in range(chars // 20 + 5))[:chars]
    return [text[i : i + 300] for i in range(0, len(text), 300)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-long-"))
    os.environ.setdefault("BENCH_DATABASE_URL", f"sqlite:///{scratch / 'db.sqlite3'}")
    scale.setup(
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="testserver",
        SECRET_KEY="bench-" + "k" * 50,
        STATIC_ROOT=str(scratch / "static"),
        MEDIA_ROOT=str(scratch / "media"),
        PUBLIC_PAGE_CACHE="false",
    )
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    # The project's modules load only once scale.setup() above has started Django.
    from articles.models import Article

    try:
        call_command("migrate", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)
        chars = settings.IMPORT_MAX_ARTICLE_CHARS
        paragraphs = body_of(chars)
        text = "\n".join(
            ["职工天地 2023年03月05日 星期日", "最长的一篇稿件", "《职工天地》(2023年03月05日 第A03版)", *paragraphs]
        )
        path = scratch / "long.txt"
        path.write_text(text + "\n", encoding="utf-8")
        started = time.perf_counter()
        call_command("import_articles", str(path), "--no-progress", verbosity=0)
        import_ms = (time.perf_counter() - started) * 1000
        article = Article.objects.get(headline="最长的一篇稿件")
        assert len(article.plain_text) == chars, len(article.plain_text)
        url = article.get_absolute_url()
        client = Client()
        rows = []
        joined = "".join(paragraphs)
        marks = {term: joined.count(term) for term in ("职工", "技能", "航天")}
        for label, query in [
            ("plain", ""),
            (f"?q=职工 ({marks['职工']:,} marks)", "职工"),
            (f"?q=职工 技能 ({marks['职工'] + marks['技能']:,} marks)", "职工 技能"),
            ("?q=航天 (not in the text)", "航天"),
        ]:
            full = url + (f"?q={quote(query)}" if query else "")
            status, median, worst, queries = scale.timed(client, full, args.repeat)
            size = len(client.get(full).content)
            rows.append(f"| {label} | {status} | {median:,.0f} | {worst:,.0f} | {queries} | {size / 1024:,.0f} |")
        body = (
            f"Run on {scale.today()}: `.venv/bin/python bench/reader/long_article.py --repeat {args.repeat}`, "
            f"one article of {chars:,} characters (the import limit, `IMPORT_MAX_ARTICLE_CHARS`), imported in "
            f"{import_ms:,.0f} ms; production settings, page cache off; median and worst of {args.repeat} runs "
            "after a warm-up.\n\n"
            "| article page | status | median ms | worst ms | queries | HTML KB |\n"
            "|---|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n"
        )
        print(body)
        if not args.no_write:
            scale.write_section("long-article", "Longest allowed article (`bench/reader/long_article.py`)", body)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
