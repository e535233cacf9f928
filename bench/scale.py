"""What the at-scale benchmarks (bench/admin, bench/reader) share.

Each runs Django in its own process against an archive that is already built
(``bench/search`` builds 1,000,000 articles and keeps them), fetches URLs
through the whole stack with the test client, and rewrites its section of
docs/performance.md.
"""

import datetime
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"


def setup(**environ):
    """Point Django at ``BENCH_DATABASE_URL`` and start it; ``environ`` adds settings from the environment."""
    if not os.environ.get("BENCH_DATABASE_URL"):
        sys.exit("set BENCH_DATABASE_URL to a built archive (see bench/search/README.md)")
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "unionpaper.settings"
    os.environ.update(environ)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]


def fetch(client, url, before=None):
    """Return (status, milliseconds, SQL queries) of one GET; ``before()`` runs first, untimed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if before:
        before()
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    return response.status_code, elapsed, len(ctx.captured_queries)


def timed(client, url, repeat, before=None):
    """Return (status, median ms, worst ms, queries) of ``repeat`` GETs after one warm-up."""
    fetch(client, url, before)
    runs = [fetch(client, url, before) for _ in range(repeat)]
    times = [ms for _, ms, _ in runs]
    status, _, queries = runs[-1]
    return status, statistics.median(times), max(times), queries


def archive_size():
    """Return "1,000,032 articles in postgresql (10,417 issues)" for the archive in use."""
    # Called after setup(): Django and the models load only then.
    from django.db import connection

    from articles.models import Article
    from issues.models import Issue

    return f"{Article.objects.count():,} articles in {connection.vendor} ({Issue.objects.count():,} issues)"


def command_line():
    return " ".join(["BENCH_DATABASE_URL=… .venv/bin/python", os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])


def today():
    return f"{datetime.date.today():%Y-%m-%d}"


def write_section(marker: str, title: str, body: str, doc: Path = DOC):
    """Replace the text between ``<!-- bench:marker -->`` and its end marker in ``doc`` (adding the section if new)."""
    text = doc.read_text()
    if f"<!-- bench:{marker} -->" not in text:
        text += f"\n## {title}\n<!-- bench:{marker} -->\n<!-- /bench:{marker} -->\n"
    text = re.sub(
        rf"(<!-- bench:{marker} -->\n).*?(<!-- /bench:{marker} -->)",
        lambda m: m.group(1) + body + m.group(2),
        text,
        flags=re.S,
    )
    doc.write_text(text)
