"""Benchmark: articles per second that ``import_articles`` writes into PostgreSQL.

Generates N article files in the seed's shape (100 per issue, 16 pages), imports
them into a scratch database of their own with the real command, then imports
them again (the idempotent re-run), and writes the figures into the
``bench:import`` section of docs/performance.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionpaper .venv/bin/python bench/import/run.py [--files 10000]
"""

import argparse
import datetime
import io
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PARAGRAPHS = [
    "今年以来，市总工会把职工技能提升作为服务大局的重要抓手，在全市开展岗位练兵和技能比武活动，覆盖十二个行业。",
    "活动期间，各级工会组织职工参加培训和比赛，一批青年技术骨干脱颖而出，成为企业生产一线的中坚力量。",
    "市总工会还联合有关部门，为获奖职工落实技能等级晋升和奖励政策，让技术工人有奔头、有甜头、有干头。",
    "下一步，全市各级工会将持续深化产业工人队伍建设改革，推动更多职工走技能成才、技能报国之路。",
]
BYLINES = ["本报记者 王晓明 通讯员 李 华", "文 市总工会副主席 张 建 国", "本报通讯员 赵 敏", "文/图 陈 思 远", ""]
WEEKDAYS = "一二三四五六日"


def article_text(n: int) -> str:
    date = datetime.date(2000, 1, 2) + datetime.timedelta(days=7 * (n // 100))
    stamp = f"{date.year}年{date.month:02d}月{date.day:02d}日"
    byline = BYLINES[n % len(BYLINES)]
    body = [f"（第{n}篇）{p}" for p in PARAGRAPHS[: 2 + n % 3]]
    block = [*([byline] if byline else []), *body]
    lines = [
        *block,
        f"职工天地 {stamp} 星期{WEEKDAYS[date.weekday()]}",
        f"岗位练兵 技能比武 匠心筑梦第{n}篇稿件的主标题在这里",
        f"《职工天地》({stamp} 第A{1 + n % 16:02d}版)",
        *block,
    ]
    return "\n".join(lines) + "\n"


def scratch_database(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL URL: this benchmark measures PostgreSQL.")
    name = parts.path.lstrip("/") + "_bench_import"
    return urlunsplit(parts._replace(path="/" + name)), name


def recreate(url: str, name: str):
    import psycopg2

    admin = urlsplit(url)._replace(path="/postgres")
    conn = psycopg2.connect(urlunsplit(admin))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def write_section(text: str):
    doc = ROOT / "docs" / "performance.md"
    content = doc.read_text(encoding="utf-8")
    new = re.sub(
        r"(<!-- bench:import -->\n).*?(<!-- /bench:import -->)",
        lambda m: m.group(1) + text + m.group(2),
        content,
        flags=re.S,
    )
    doc.write_text(new, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="import_articles --workers")
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also time a third import with search indexing switched off (diagnosis only)",
    )
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave docs/performance.md alone")
    args = parser.parse_args()

    url, name = scratch_database(os.environ.get("DATABASE_URL", ""))
    recreate(url, name)
    # Production settings, as an archivist's import runs: with DEBUG on, Django
    # would also record every query in memory.
    os.environ.update(
        DATABASE_URL=url,
        DEBUG="false",
        SECRET_KEY="bench-import-" + "k" * 40,
        ALLOWED_HOSTS="localhost",
        DJANGO_SETTINGS_MODULE="unionpaper.settings",
        # Production's shared cache: every content change moves the page cache's keys there.
        CACHE_URL=os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/6"),
    )
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MEDIA_ROOT"] = str(Path(tmp) / "media")
        import django

        django.setup()
        # The project's modules load only once django.setup() has run with the environment above.
        from django.core.management import call_command

        from articles.models import Article
        from articles.search import index as search_index

        call_command("migrate", verbosity=0)
        folder = Path(tmp) / "archive"
        folder.mkdir()
        for n in range(args.files):
            (folder / f"{n:05d}.txt").write_text(article_text(n), encoding="utf-8")

        start = time.perf_counter()
        call_command(
            "import_articles", str(folder), "--no-progress", "--workers", str(args.workers), stdout=io.StringIO()
        )
        first = time.perf_counter() - start
        count = Article.objects.count()
        assert count == args.files, count

        start = time.perf_counter()
        out = io.StringIO()
        call_command("import_articles", str(folder), "--no-progress", stdout=out)
        second = time.perf_counter() - start
        assert f"unchanged={args.files}" in out.getvalue()

        without_search = None
        if args.breakdown:
            Article.objects.all().delete()
            search_index.update = lambda article_ids: None  # every path that indexes goes through it
            start = time.perf_counter()
            call_command(
                "import_articles", str(folder), "--no-progress", "--workers", str(args.workers), stdout=io.StringIO()
            )
            without_search = time.perf_counter() - start

    from django.db import connection

    pg = connection.cursor().connection.server_version
    connection.close()
    recreate(url, name)  # leave an empty scratch database behind, not 10,000 rows
    load = os.getloadavg()[0]
    cpu = (
        subprocess.run(
            ["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True
        ).stdout.strip()
        or platform.processor()
    )
    result = (
        f"Command: `DATABASE_URL=postgres://… .venv/bin/python bench/import/run.py --files {args.files}"
        f" --workers {args.workers}{' --breakdown' if args.breakdown else ''}`  \n"
        f"Run {datetime.date.today().isoformat()} on {cpu} ({os.cpu_count()} cores), "
        f"PostgreSQL {pg // 10000}.{pg % 10000}, cache `{os.environ['CACHE_URL'].split('://')[0]}`, "
        f"Python {platform.python_version()}; "
        f"load average {load:.1f} when it finished.\n\n"
        f"| run | files = articles | seconds | articles/s |\n|---|---:|---:|---:|\n"
        f"| first import, {args.workers} worker(s) (creates issues, pages, articles) "
        f"| {args.files} | {first:.1f} | **{args.files / first:,.0f}** |\n"
        f"| re-run, 1 process, all unchanged (nothing written) "
        f"| {args.files} | {second:.1f} | {args.files / second:,.0f} |\n"
        + (
            f"| diagnosis: first import with search indexing switched off | {args.files} | "
            f"{without_search:.1f} | {args.files / without_search:,.0f} |\n"
            if without_search
            else ""
        )
        + "\nTarget: 1,000 articles/s or better for the first import — "
        + ("met" if args.files / first >= 1000 else "not met on this run")
        + ". Each file is its own transaction; the articles a chunk of files creates are indexed for search "
        "together once those files have committed, so the index is complete when the command ends"
        + ("; the diagnosis row shows how much of the time that indexing takes.\n" if without_search else ".\n")
    )
    print(result)
    if not args.no_write:
        write_section(result)


if __name__ == "__main__":
    main()
