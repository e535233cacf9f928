"""Public views at scale: what a reader waits for when the page cache cannot answer.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/up_bench_search_1000000 \
        .venv/bin/python bench/reader/run.py [--repeat 5]

Runs against an existing archive (``bench/search`` builds 1,000,000 articles
and keeps them) with production settings (``DEBUG=false``) and the public
page cache off, so every request runs its view. Each URL is fetched through
Django's whole stack with the test client, anonymously, two ways:

- **after a change**: the content generation is moved on before each request
  (as saving an article does), so the shared data (an issue's pages and
  reading order, theme counts, 历史上的今天, unionpaper/cache.py) is built
  again: the worst a reader meets on the day an editor is at work;
- **warm**: the shared data already built, as for every later page-cache miss
  until the next change.

Median and worst of ``--repeat`` runs after a warm-up, and the number of SQL
queries of the last run. Writes the table to docs/performance.md between the
``bench:reader`` markers. The cache is Django's local-memory cache unless
CACHE_URL says otherwise.
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import scale


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    scale.setup(
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="testserver",
        SECRET_KEY="bench-" + "k" * 50,
        STATIC_ROOT=static_root,
        PUBLIC_PAGE_CACHE="false",
        PUBLIC_DATA_CACHE="true",
    )
    from django.core.management import call_command
    from django.test import Client

    call_command("collectstatic", "--noinput", verbosity=0)  # production templates need the hashed names

    # The project's modules load only once scale.setup() above has started Django.
    from articles.models import Article, Theme, ThemedArticle
    from issues.models import Issue
    from unionpaper.cache import bump_generation

    issue = Issue.objects.published().order_by("-date").first()
    oldest = Issue.objects.published().order_by("date").first()
    page = issue.pages.in_order().first()
    article = Article.objects.published().filter(page=page).order_by("order").first()
    theme = max(Theme.objects.all(), key=lambda t: ThemedArticle.objects.filter(tag=t).count())
    theme_url = f"/themes/{quote(theme.slug)}/"
    theme_pages = -(-ThemedArticle.objects.filter(tag=theme).count() // 20)
    urls = [
        ("home: latest issue, first page", "/"),
        ("page view", page.get_absolute_url()),
        ("article view", article.get_absolute_url()),
        ("issue view", issue.get_absolute_url()),
        ("issue view, first issue", oldest.get_absolute_url()),
        ("往期回顾, latest year", "/issues/"),
        (f"往期回顾, {oldest.date.year}", f"/issues/?year={oldest.date.year}"),
        ("theme list with counts", "/themes/"),
        (f"theme page 1 ({theme.name})", theme_url),
        ("theme page 50", theme_url + "?page=50"),
        (f"theme page {theme_pages:,} (last)", theme_url + f"?page={theme_pages}"),
        ("feed: latest", "/feeds/latest/"),
        ("feed: theme", f"/feeds/themes/{quote(theme.slug)}/"),
        ("sitemap index", "/sitemap.xml"),
        ("sitemap: articles, first 50,000", "/sitemap-articles.xml"),
    ]
    client = Client()
    rows = []
    for name, url in urls:
        status, changed, changed_worst, changed_queries = scale.timed(client, url, args.repeat, before=bump_generation)
        _, warm, warm_worst, warm_queries = scale.timed(client, url, args.repeat)
        rows.append((name, status, changed, changed_worst, changed_queries, warm, warm_worst, warm_queries))
        print(
            f"{name:34} {status} after a change {changed:7.0f} ms ({changed_queries} q), "
            f"warm {warm:7.0f} ms ({warm_queries} q)",
            flush=True,
        )

    table = (
        "| view | status | after a change: median ms | worst ms | queries | warm: median ms | worst ms | queries |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|\n"
        + "\n".join(
            f"| {r[0]} | {r[1]} | {r[2]:,.0f} | {r[3]:,.0f} | {r[4]} | {r[5]:,.0f} | {r[6]:,.0f} | {r[7]} |"
            for r in rows
        )
    )
    body = (
        f"Run on {scale.today()}: `{scale.command_line()}` against {scale.archive_size()}. Production settings, "
        "public page cache off (every request runs its view), anonymous reader; median and worst of "
        f'{args.repeat} runs after a warm-up. "After a change": the content generation moved on before each '
        'request, so shared data is built again; "warm": shared data already built.\n\n' + table + "\n"
    )
    print(body)
    if not args.no_write:
        scale.write_section("reader", "Public views at scale (`bench/reader`)", body)
    shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
