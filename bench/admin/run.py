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
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import scale


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    scale.setup()
    # The project's modules load only once scale.setup() has started Django.
    from django.contrib.auth import get_user_model
    from django.test import Client

    from articles.models import Article, Theme
    from issues.models import Issue, Page

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)

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
        status, median, worst, queries = scale.timed(client, url, args.repeat)
        rows.append((name, url, status, median, worst, queries))
        print(f"{name:28} {status} median {median:8.1f} ms  max {worst:8.1f} ms  {queries} queries", flush=True)

    table = "| view | status | median ms | worst ms | SQL queries |\n|---|---:|---:|---:|---:|\n" + "\n".join(
        f"| {name} | {status} | {median:.0f} | {worst:.0f} | {queries} |"
        for name, _, status, median, worst, queries in rows
    )
    body = (
        f"Run on {scale.today()}: `{scale.command_line()}` against {scale.archive_size()}. Each view is fetched "
        f"through Django's whole stack as a signed-in superuser; median and worst of {args.repeat} runs after a "
        "warm-up. Target: every row under 1,000 ms.\n\n" + table + "\n"
    )
    print(body)
    if not args.no_write:
        scale.write_section("admin", "Admin at scale (`bench/admin`)", body)


if __name__ == "__main__":
    main()
