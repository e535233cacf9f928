"""Admin at scale: time the article changelist, its filters, its search and the form.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/up_bench_search_1000000 \
        .venv/bin/python bench/admin/run.py [--repeat 7]

Runs against an existing archive (the search benchmark builds one of
1,000,000 articles and keeps it). Each URL goes through Django's whole stack
(middleware, admin views, templates) in this process, signed in as a
superuser; the first request is a warm-up, the median and worst of the rest
are reported with the number of SQL queries. Writes the table to
docs/performance.md between the ``bench:admin`` markers.
"""
import argparse
import datetime
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("BENCH_DATABASE_URL"):
        sys.exit("set BENCH_DATABASE_URL to a built archive (see bench/search/README.md)")
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "unionpaper.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article, Theme
    from issues.models import Issue, Page

    settings.ALLOWED_HOSTS = ["testserver"]
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)

    total = Article.objects.count()
    article = Article.objects.order_by("-id").first()
    page = Page.objects.order_by("-id").first()
    theme = Theme.objects.order_by("name").first()
    latest = Issue.objects.order_by("-date").first().date
    year_ago = latest - datetime.timedelta(days=365)
    base = "/admin/articles/article/"
    urls = [
        ("changelist", base),
        ("changelist, page 50", base + "?p=50"),
        ("filter: status", base + "?status__exact=published"),
        ("filter: date (past year)", base + f"?page__issue__date__gte={year_ago}&page__issue__date__lt={latest}"),
        ("filter: page code", base + f"?page_code={quote(page.code)}"),
        ("filter: theme", base + f"?theme={quote(theme.slug)}" if theme else base),
        ("date hierarchy: a year", base + f"?page__issue__date__year={latest.year}"),
        ("search: headline word", base + "?q=" + quote("工会")),
        ("search: author", base + "?q=" + quote("刘 飞")),
        ("article form", f"{base}{article.pk}/change/"),
        ("add form", base + "add/"),
        ("page autocomplete", "/admin/autocomplete/?app_label=articles&model_name=article&field_name=page&term=A1"),
    ]
    rows = []
    for name, url in urls:
        times, queries = [], 0
        status = None
        for i in range(args.repeat + 1):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            status = response.status_code
            if i:
                times.append(elapsed)
                queries = len(ctx.captured_queries)
        rows.append((name, url, status, statistics.median(times), max(times), queries))
        print(f"{name:28} {status} median {statistics.median(times):8.1f} ms  max {max(times):8.1f} ms  {queries} queries", flush=True)

    table = "| view | status | median ms | worst ms | SQL queries |\n|---|---:|---:|---:|---:|\n" + "\n".join(
        f"| {name} | {status} | {median:.0f} | {worst:.0f} | {queries} |" for name, _, status, median, worst, queries in rows
    )
    body = (
        f"Run on {datetime.date.today():%Y-%m-%d}: `BENCH_DATABASE_URL=… .venv/bin/python bench/admin/run.py "
        f"--repeat {args.repeat}` against {total:,} articles in {connection.vendor} "
        f"({Issue.objects.count():,} issues). Each view is fetched through Django's whole stack as a signed-in "
        f"superuser; median and worst of {args.repeat} runs after a warm-up. Target (issue 7): every row under 1,000 ms.\n\n"
        + table
        + "\n"
    )
    print(body)
    if not args.no_write:
        doc = ROOT / "docs" / "performance.md"
        text = doc.read_text()
        if "<!-- bench:admin -->" not in text:
            text += "\n## Admin at scale (`bench/admin`)\n<!-- bench:admin -->\n<!-- /bench:admin -->\n"
        text = re.sub(r"(<!-- bench:admin -->\n).*?(<!-- /bench:admin -->)", lambda m: m.group(1) + body + m.group(2), text, flags=re.S)
        doc.write_text(text)


if __name__ == "__main__":
    main()
