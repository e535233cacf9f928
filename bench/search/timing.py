"""Time the benchmark queries through the full /search/ view and write the report."""

import datetime
import json
import platform
import re
import statistics
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RESULTS = HERE / "results.json"
REPORT = ROOT / "docs" / "performance.md"

QUERIES = [
    ("frequent two characters", {"q": "工会"}),
    ("mid-frequency four characters", {"q": "法律援助"}),
    ("rare phrase", {"q": '"沂蒙工匠精神"'}),
    ("author", {"q": "刘飞"}),
    ("two terms AND, date range", {"q": "法律援助 职代会"}),  # the middle years of the archive, see date_range
]
SORTS = [("relevance", "relevance"), ("newest", "date")]


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def naive(params):
    """The same search done with icontains on the published articles (first page and count)."""
    # Django is set up by the caller (bench/search/run.py): models load only now.
    from django.db.models import Q

    from articles.models import Article

    qs = Article.objects.published()
    for term in params["q"].replace('"', "").split():
        qs = qs.filter(
            Q(headline__icontains=term)
            | Q(kicker__icontains=term)
            | Q(subtitle__icontains=term)
            | Q(author_names__icontains=term)
            | Q(body__icontains=term)
        )
    if params.get("start"):
        qs = qs.filter(page__issue__date__gte=params["start"])
    if params.get("end"):
        qs = qs.filter(page__issue__date__lte=params["end"])
    count = qs.count()
    list(qs.in_reading_order().with_page()[:20])
    return count


def index_size():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_total_relation_size('articles_search_entry'),"
                " pg_relation_size('articles_search_entry_tokens'), pg_database_size(current_database())"
            )
            total, gin, db = cursor.fetchone()
            return {
                "index_total_mb": round(total / 2**20),
                "gin_mb": round(gin / 2**20),
                "database_mb": round(db / 2**20),
            }
        try:
            cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'articles_search%'")
            total = cursor.fetchone()[0] or 0
        except Exception:
            total = 0
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        return {"index_total_mb": round(total / 2**20), "database_mb": round(pages * cursor.fetchone()[0] / 2**20)}


def date_range():
    """Return (start, end): whole years from 40 % to 75 % of the archive's span."""
    # Django is set up by the caller (bench/search/run.py): models load only now.
    from django.db.models import Max, Min

    from issues.models import Issue

    span = Issue.objects.aggregate(first=Min("date"), last=Max("date"))
    days = (span["last"] - span["first"]).days
    start = span["first"] + datetime.timedelta(days=int(days * 0.4))
    end = span["first"] + datetime.timedelta(days=int(days * 0.75))
    return f"{start.year}-01-01", f"{end.year}-12-31"


def run(args, index_seconds=None):
    # Django is set up by the caller (bench/search/run.py): the project's modules load only now.
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from articles.models import Article
    from articles.search.results import run as run_search

    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    client = Client()
    articles = Article.objects.count()
    rows = []
    start, end = date_range()
    queries = [(n, {**p, "start": start, "end": end} if "date range" in n else p) for n, p in QUERIES]
    for name, params in queries:
        for sort, label in SORTS:
            query = {**params, "sort": sort}
            client.get("/search/", query)  # warm
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                response = client.get("/search/", query)
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, response.status_code
            search = run_search(query)
            total = search.matches.total
            rows.append(
                {
                    "query": name,
                    "q": params["q"],
                    "params": {k: v for k, v in params.items() if k != "q"},
                    "sort": label,
                    "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(percentile(times, 0.95), 1),
                    "hits": total,
                    "approximate": search.matches.approximate,
                }
            )
            print(
                f"{name:32} {label:9} p50 {rows[-1]['p50_ms']:8.1f} ms  p95 {rows[-1]['p95_ms']:8.1f} ms"
                f"  {'约' if search.matches.approximate else ''}{total:,} hits",
                flush=True,
            )
    naive_rows = []
    for name, params in queries:
        times = []
        for _ in range(args.naive_repeat):
            t = time.perf_counter()
            count = naive(params)
            times.append((time.perf_counter() - t) * 1000)
        naive_rows.append({"query": name, "median_ms": round(statistics.median(times), 1), "hits": count})
        print(f"naive {name:32} {naive_rows[-1]['median_ms']:10.1f} ms  {count:,} hits", flush=True)
    from django.db import connection

    result = {
        "engine": connection.vendor,
        "articles": articles,
        "when": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}",
        "rows": rows,
        "naive": naive_rows,
        "size": index_size(),
    }
    if index_seconds is not None:
        result["index_seconds"] = round(index_seconds)
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    key = f"{connection.vendor}-{articles}"
    if index_seconds is None and key in saved and "index_seconds" in saved[key]:
        result["index_seconds"] = saved[key]["index_seconds"]
    saved[key] = result
    RESULTS.write_text(json.dumps(saved, ensure_ascii=False, indent=1))
    write_report(saved)


def write_report(saved):
    lines = [
        "",
        "Rerun: `.venv/bin/python bench/search/run.py --size 1000000` (PostgreSQL; `--size 100000 --engine sqlite` for",
        "SQLite). Each archive is built once in its own database and reused; see `bench/search/README.md`.",
        "Times are through the full `/search/` view (Django test client: form, query, 20 hits with highlighted",
        'snippets, facets, template; the public page cache is off), warm, first page. "约" marks an estimated',
        "count (past 2,000 candidates on PostgreSQL, or 400 when phrases must be checked). Naive: `icontains`",
        "on headline, kicker, subtitle, authors and body of `Article.objects.published()`, count plus first page.",
        "Index build times here were taken on a machine shared with other work (test suites, a second archive",
        "indexed at the same time); tokenizing alone costs about 1.3 ms of CPU per article (two worker processes),",
        "the rest is writing the vectors and building the GIN index once at the end.",
        "",
    ]
    for key in sorted(saved, key=lambda k: (saved[k]["engine"], saved[k]["articles"])):
        r = saved[key]
        size = r["size"]
        build = f"{r['index_seconds']:,} s" if "index_seconds" in r else "not recorded"
        lines += [
            f"### {r['engine']}, {r['articles']:,} articles ({r['when']}, {r['machine']})",
            "",
            f"Index build {build}; index size {size.get('index_total_mb', 0):,} MB"
            + (f" (GIN {size['gin_mb']:,} MB)" if "gin_mb" in size else "")
            + f"; whole database {size.get('database_mb', 0):,} MB.",
            "",
            "| query | sort | p50 ms | p95 ms | hits | naive `icontains` ms (hits) | ratio (naive / p50) |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        naive = {n["query"]: n for n in r["naive"]}
        for row in r["rows"]:
            n = naive.get(row["query"])
            hits = f"{'约' if row['approximate'] else ''}{row['hits']:,}"
            naive_cell = f"{n['median_ms']:,.0f} ({n['hits']:,})" if n else "—"
            ratio = f"{n['median_ms'] / row['p50_ms']:,.0f}×" if n and row["p50_ms"] else "—"
            q = row["q"] + "".join(f" {k}={v}" for k, v in row["params"].items())
            lines.append(
                f"| {row['query']}: `{q}` | {row['sort']} | {row['p50_ms']:,} | {row['p95_ms']:,} "
                f"| {hits} | {naive_cell} | {ratio} |"
            )
        slow = [row for row in r["rows"] if row["p95_ms"] >= 100]
        lines.append("")
        lines.append(
            f"p95 under 100 ms: {len(r['rows']) - len(slow)} of {len(r['rows'])} queries"
            + (
                "; over: " + ", ".join(f"{row['query']} by {row['sort']} ({row['p95_ms']:,} ms)" for row in slow) + "."
                if slow
                else "."
            )
        )
        lines.append("")
    text = REPORT.read_text()
    block = "<!-- bench:search -->" + "\n".join(lines) + "\n<!-- /bench:search -->"
    text = re.sub(r"<!-- bench:search -->.*?<!-- /bench:search -->", lambda m: block, text, flags=re.S)
    REPORT.write_text(text)
