"""Issue-day benchmark: readers read while editors correct, a new issue goes live, with and without Varnish.

    .venv/bin/python bench/serve/issue_day.py [--duration 20] [--connections 8] [--rounds 1]

Uses the database of bench/serve/run.py (built there, reused here) and its
production settings: gunicorn with 4 workers, PostgreSQL, Redis, page cache
on, every render logged on ``unionpaper.render``. A Varnish
(``scripts/varnish``) runs in front of the same gunicorn, and the site
purges it after each change (``VARNISH_PURGE_URLS``). For gunicorn alone and
for Varnish, side by side in one run:

- the mixed URLs of the three newest issues (home, page views, article
  views), read by wrk with no edits, and while an editor process saves one
  article every 2 s through the ORM;
- the publish burst: a new issue goes live and 32 connections read its
  pages (and the home page) for the first 5 s; p99 over those 5 s, and the
  renders per URL counted from gunicorn's log and the publishing process's
  (which renders the new pages ahead, inside its transaction).

Behind Varnish the rows are read twice. First with every process sharing
both cores, as above. Then as a cache in front runs in production, on a
machine of its own: Varnish and wrk (standing for the readers' side) on
one CPU, and gunicorn, PostgreSQL, Redis and the editor or publishing
process on the others (``sched_setaffinity``; PostgreSQL's and Redis's
processes get their own CPUs back at the end). The targets are read from
that second set; the first is kept beside it, for what a single machine
running everything gives.

``--rows`` measures some rows only (for looking into one; docs/ is written
only when all are measured). PostgreSQL's statistics are gathered first
(``ANALYZE``), as autovacuum has in production.

Writes the table and the verdict per target to docs/performance.md between
the ``bench:issue-day`` markers.

Needs: PostgreSQL, Redis, ``wrk``, ``varnishd`` with the xkey module
(``apt-get install wrk varnish varnish-modules``); loopback only.
"""

import argparse
import collections
import contextlib
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.scale import write_section  # noqa: E402 (after the path that makes it importable)
from bench.serve import run as serve  # noqa: E402 (after the path that makes it importable)

VARNISH_PORT = 8124
VARNISH_PIDFILE = f"/tmp/unionpaper-varnish-{VARNISH_PORT}/varnishd.pid"  # where scripts/varnish keeps it
BURST_CONNECTIONS = 32
BURST_SECONDS = 5
EDIT_EVERY = 2.0
ROWS = ("none", "edits", "burst")
# Served by: gunicorn alone; Varnish with every process on every CPU; Varnish on a CPU of its own.
VIAS = ("gunicorn", "varnish-shared", "varnish")


class Cpus:
    """Which CPUs the front (Varnish, wrk) and the back (the app and its services) may run on.

    ``front`` and ``back`` are None while everything shares every CPU. ``split()``
    moves the back's running processes (gunicorn's, PostgreSQL's, Redis's) off
    the front's CPU, keeping what each had; ``restore()`` gives it back.
    """

    def __init__(self):
        self.all = sorted(os.sched_getaffinity(0))
        self.front = self.back = None
        self.saved = {}

    @property
    def can_split(self):
        return len(self.all) >= 2

    def split(self, gunicorn_pid):
        self.front, self.back = {self.all[0]}, set(self.all[1:])
        for tid in threads_of(*process_tree(gunicorn_pid), *processes_named("postgres", "redis-server")):
            try:
                self.saved[tid] = os.sched_getaffinity(tid)
                os.sched_setaffinity(tid, self.back)
            except OSError:
                pass  # gone meanwhile, or not ours to move: it then shares every CPU
        return self

    def pin_front(self, pid):
        """Move every thread of ``pid`` and of the processes below it to the front's CPU."""
        for tid in threads_of(*process_tree(pid)):
            with contextlib.suppress(OSError):
                os.sched_setaffinity(tid, self.front)

    def restore(self):
        for pid, cpus in self.saved.items():
            with contextlib.suppress(OSError):  # the process has ended meanwhile
                os.sched_setaffinity(pid, cpus)
        self.saved.clear()
        self.front = self.back = None

    def front_command(self, *command):
        return ("taskset", "-c", ",".join(map(str, sorted(self.front))), *command) if self.front else command

    def back_preexec(self):
        back = self.back
        return (lambda: os.sched_setaffinity(0, back)) if back else None


def process_tree(pid):
    """Return ``pid`` and every process below it (gunicorn's master and its workers)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            todo += [int(child) for child in task.read_text().split()]
    return found


def threads_of(*pids):
    """Return every thread of the processes ``pids``: an affinity set by pid moves only the main thread."""
    tids = []
    for pid in pids:
        tids += [int(task.name) for task in Path(f"/proc/{pid}/task").glob("*")] or [pid]
    return tids


def processes_named(*names):
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() in names:
                pids.append(int(comm.parent.name))
        except OSError:
            pass
    return pids


def newest_urls(env):
    """Return the home page and the page and article views of the three newest published issues."""
    code = """
import json
import django; django.setup()
from articles.models import Article
from issues.models import Issue
urls = ["/"]
for issue in Issue.objects.published().order_by("-date")[:3]:
    for page in issue.pages.in_order():
        urls.append(page.get_absolute_url())
        urls += [a.get_absolute_url() for a in Article.objects.published().filter(page=page).order_by("order")]
print(json.dumps(urls))
"""
    return json.loads(serve.sh(sys.executable, "-c", code, env=env).stdout)


def draft_issue(env):
    """Create an unpublished issue a week after the newest (8 pages of 6 articles); return its id."""
    code = """
import datetime, html, random
import django; django.setup()
from django.db import transaction
from articles.models import Article
from articles.demo import content
from issues.models import Issue, Page, page_sort_key
from unionpaper.publishing import Status
rng = random.Random(11)
paragraphs = [p for a in content.ARTICLES.values() for p in a["paragraphs"]]
headlines = [a["headline"] for a in content.ARTICLES.values()]
newest = Issue.objects.order_by("-date").first()
number = (Issue.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
with transaction.atomic():
    issue = Issue.objects.create(date=newest.date + datetime.timedelta(days=7), number=number, status=Status.DRAFT)
    for n in range(1, 9):
        page = Page.objects.create(issue=issue, code=f"A{n:02d}", sort_key=page_sort_key(f"A{n:02d}"), name="要闻")
        for order in range(1, 7):
            Article.objects.create(
                page=page, order=order, headline=rng.choice(headlines) + f"（{order}）", byline="本报记者",
                body="".join(f"<p>{html.escape(p)}</p>" for p in rng.sample(paragraphs, 5)),
                status=Status.REVIEW,
                hot_areas=[{"type": "rect", "points": [[0.05, (10 + 14 * (order - 1)) / 100],
                                                    [0.95, (22 + 14 * (order - 1)) / 100]]}])
print(issue.pk)
"""
    return int(serve.sh(sys.executable, "-c", code, env=env).stdout.strip())


PUBLISH = """
import json, sys
import django; django.setup()
from django.contrib.auth import get_user_model
from articles.models import Article
from articles.publishing import publish_issue
from issues.models import Issue
user, _ = get_user_model().objects.get_or_create(
    username="bench-chief", defaults={"is_superuser": True, "is_staff": True}
)
issue = Issue.objects.get(pk=int(sys.argv[1]))
urls = ["/"]
for page in issue.pages.in_order():
    urls.append(page.get_absolute_url())
    urls += [a.get_absolute_url() for a in Article.objects.filter(page=page).order_by("order")]
sys.stdout.write(json.dumps(urls) + "\\n"); sys.stdout.flush()
sys.stdin.readline()  # the bench says go
publish_issue(issue=issue, user=user)
print("published", flush=True)
"""

EDITOR = """
import random, sys, time
import django; django.setup()
from articles.models import Article
pks = [int(pk) for pk in sys.argv[2].split(",")]  # the articles the readers read
rng = random.Random(5)
mark = "<p>（本文有更正）</p>"
saves = 0
started = time.monotonic()
for n in range(int(sys.argv[1])):
    time.sleep(max(0.0, started + n * {every} - time.monotonic()))
    article = Article.objects.get(pk=rng.choice(pks))
    article.body = article.body[: -len(mark)] if article.body.endswith(mark) else article.body + mark
    article.save()
    saves += 1
print(saves, flush=True)
"""


def lua_script(paths, folder):
    """Write a wrk script that cycles through ``paths``; return its file name."""
    script = Path(folder) / f"mix-{len(paths)}-{abs(hash(tuple(paths)))}.lua"
    entries = ",\n".join(json.dumps(p) for p in paths)
    script.write_text(
        f"local paths = {{\n{entries}\n}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )
    return str(script)


def wrk_mix(base, script, duration, connections, cpus):
    command = cpus.front_command("wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script, base)
    out = serve.sh(*command).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = serve.to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = serve.to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "errors": int(non2xx.group(1)) if non2xx else 0,
        "socket": errors.group(1) if errors else "",
    }


def warm(base, paths):
    for path in paths:
        urllib.request.urlopen(base + path, timeout=30).read()


def articles_read(script):
    """Return the ids of the articles the wrk script reads, comma-separated."""
    return ",".join(re.findall(r'"/articles/(\d+)/"', Path(script).read_text()))


def mix(base, script, args, env, edits, log, cpus):
    """Read the mix for ``args.duration`` s, with an editor process saving every 2 s when ``edits``."""
    editor = None
    offset = os.path.getsize(log)
    # With a shared cache in front, the saving process renders the article again before purging it.
    editor_log = Path(log).with_name(f"editor-{time.monotonic_ns()}.log")
    if edits:
        count = int(args.duration / EDIT_EVERY) + 1
        editor = subprocess.Popen(
            [sys.executable, "-c", EDITOR.format(every=EDIT_EVERY), str(count), articles_read(script)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=open(editor_log, "wb"),  # noqa: SIM115 (the editor writes to it until it ends)
            text=True,
            preexec_fn=cpus.back_preexec(),
        )
        time.sleep(EDIT_EVERY + 1)  # the editor's Django is up and its first save is made
    try:
        row = wrk_mix(base, script, args.duration, args.connections, cpus)
    finally:
        if editor:
            saves = editor.communicate(timeout=60)[0].strip()
            row["saves"] = int(saves or 0)
    time.sleep(0.5)  # the last log lines reach the file
    row["renders"] = sum(renders(log, offset).values())
    row["renders_by_editor"] = sum(renders(editor_log, 0).values()) if editor_log.exists() else 0
    return row


def renders(log, offset):
    """Return {path: renders} logged in gunicorn's log after byte ``offset``."""
    return collections.Counter(path for path, _ in render_times(log, offset))


def render_times(log, offset):
    """Return (path, ms) of every render logged in gunicorn's log after byte ``offset``."""
    with open(log, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    return [(path, int(ms)) for path, ms in re.findall(r"^render (\S+) \(.*?\) (\d+) ms", text, flags=re.M)]


def burst(base, env, log, folder, cpus):
    """Publish a new issue and read its pages with 32 connections for the first 5 s."""
    issue = draft_issue(env)
    # The publishing process renders the new pages ahead, inside its transaction: its renders count too.
    publisher_log = Path(folder) / f"publisher-{issue}.log"
    with open(publisher_log, "wb") as errors:
        publisher = subprocess.Popen(
            [sys.executable, "-c", PUBLISH, str(issue)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            preexec_fn=cpus.back_preexec(),
        )
    paths = json.loads(publisher.stdout.readline())
    script = lua_script(paths, folder)
    offset = os.path.getsize(log)
    started = time.monotonic()
    publisher.stdin.write("go\n")
    publisher.stdin.flush()
    if publisher.stdout.readline().strip() != "published":
        sys.exit("publishing failed: " + publisher_log.read_text()[-2000:])
    publish_ms = (time.monotonic() - started) * 1000
    publisher.wait(timeout=30)
    row = wrk_mix(base, script, BURST_SECONDS, BURST_CONNECTIONS, cpus)
    time.sleep(0.5)  # the last log lines reach the file
    ahead = renders(publisher_log, 0)
    counted = renders(log, offset) + ahead
    wanted = set(paths)
    took = sorted(ms for path, ms in render_times(log, offset) + render_times(publisher_log, 0) if path in wanted)
    row["render_ms"] = (took[len(took) // 2], took[-1]) if took else (0, 0)
    row["ahead"] = sum(ahead[p] for p in paths)
    row["publish_ms"] = publish_ms
    row["urls"] = len(paths)
    row["renders"] = sum(counted[p] for p in paths)
    row["max_renders"] = max((counted[p] for p in paths), default=0)
    row["unrendered"] = sum(1 for p in paths if not counted[p])
    return row


def remove_bench_issues(env, keep):
    """Delete the issues the bursts added, so that the next run reads the same archive."""
    code = f"""
import django; django.setup()
from issues.models import Issue
from articles.models import Article
for issue in Issue.objects.order_by("-date")[:50]:
    if issue.number > {keep}:
        Article.objects.filter(page__issue=issue).delete(); issue.pages.all().delete(); issue.delete()
"""
    serve.sh(sys.executable, "-c", code, env=env)


SERVED_BY = {
    "gunicorn": "gunicorn",
    "varnish-shared": "Varnish, every process on both CPUs",
    "varnish": "Varnish and wrk on CPU 0, the app on CPU 1",
}


def target_vias(r):
    """The rows the targets are read from: gunicorn alone, and Varnish on a CPU of its own where it ran."""
    varnish = "varnish" if ("varnish", "none") in r else "varnish-shared"
    return [via for via in ("gunicorn", varnish) if (via, "none") in r]


def verdicts(r):
    lines = []
    for via in target_vias(r):
        if (via, "edits") in r:
            quiet, edited = r[(via, "none")], r[(via, "edits")]
            share = 100 * edited["rps"] / quiet["rps"]
            ratio = edited["p99"] / quiet["p99"]
            met = share >= 95 and ratio <= 2
            lines.append(
                f"- Edits every 2 s, {SERVED_BY[via]}: {'met' if met else 'NOT met'}: requests/s {share:.0f} % of "
                f"no edits (target ≥ 95 %), p99 {edited['p99']:.1f} ms = {ratio:.2f}× the no-edit "
                f"{quiet['p99']:.1f} ms (target ≤ 2×)."
            )
        if b := r.get((via, "burst")):
            met = b["p99"] < 100 and b["max_renders"] <= 1
            lines.append(
                f"- Publish burst, {SERVED_BY[via]}: {'met' if met else 'NOT met'}: p99 over the first 5 s "
                f"{b['p99']:.1f} ms (target < 100 ms), at most {b['max_renders']} render(s) per URL, "
                f"{b['renders']} renders for {b['urls']} URLs (target ≤ 1 per URL)."
            )
    varnish = target_vias(r)[-1]
    if varnish != "gunicorn" and ("gunicorn", "none") in r:
        times = r[(varnish, "none")]["rps"] / r[("gunicorn", "none")]["rps"]
        lines.append(
            f"- Behind Varnish: {'met' if times >= 5 else 'NOT met'}: cached pages {times:.1f}× the "
            "requests/s of gunicorn alone (target ≥ 5×)."
        )
    if varnish == "varnish" and ("varnish-shared", "edits") in r:
        quiet, edited = r[("varnish-shared", "none")], r[("varnish-shared", "edits")]
        lines.append(
            f"- Not a target, for comparison: with Varnish sharing both CPUs with the app, edits give "
            f"{100 * edited['rps'] / quiet['rps']:.0f} % of the no-edit requests/s and "
            f"{edited['p99'] / quiet['p99']:.2f}× its p99."
        )
    return "\n".join(lines)


def table(results):
    rows = []
    names = {"none": "three newest issues, no edits", "edits": "three newest issues, a save every 2 s"}
    for via in VIAS:
        for what in ("none", "edits", "burst"):
            row = results.get((via, what))
            if not row:
                continue
            name = names.get(what, f"publish burst, first {BURST_SECONDS} s, {BURST_CONNECTIONS} connections")
            extra = (
                f"{row['max_renders']} max, {row['renders']} for {row['urls']} URLs ({row['ahead']} ahead, in the "
                f"{row['publish_ms']:,.0f} ms of publishing); a render took {row['render_ms'][0]} ms (median), "
                f"{row['render_ms'][1]} ms (longest)"
                if what == "burst"
                else f"{row.get('saves', 0)} saves, {row['renders']} renders"
                + (f" (+ {row['renders_by_editor']} by the saving process)" if row.get("renders_by_editor") else "")
            )
            rows.append(
                f"| {name} | {SERVED_BY[via]} | {row['rps']:,.0f} | {row['p50']:.1f} | {row['p99']:.1f} | {extra} | "
                f"{row['errors']} |"
            )
    return rows


def load_average():
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", serve.DEFAULT_DB))
    parser.add_argument("--issues", type=int, default=100, help="archive size if bench/serve has not built it yet")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--no-varnish", action="store_true", help="gunicorn alone")
    parser.add_argument(
        "--rows", nargs="+", choices=ROWS, default=list(ROWS), help="rows to measure (all unless told; docs/ only then)"
    )
    parser.add_argument("--no-write", action="store_true", help="print the table without touching docs/")
    args = parser.parse_args()
    for tool in ["wrk", *([] if args.no_varnish else ["varnishd"])]:
        if not shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin"):
            sys.exit(f"{tool} is missing: apt-get install wrk varnish varnish-modules")

    folder = tempfile.mkdtemp(prefix="bench-issue-day-")
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": args.database_url,
        "CACHE_URL": "redis://127.0.0.1:6379/5",
        "STATIC_ROOT": folder,
        "MEDIA_ROOT": str(ROOT / "bench" / "data" / "serve-media"),
        "DJANGO_SETTINGS_MODULE": "bench.serve.settings",
        "PYTHONPATH": str(ROOT),
        **serve.MODES["cached"],
    }
    if not args.no_varnish:
        env["VARNISH_PURGE_URLS"] = f"http://127.0.0.1:{VARNISH_PORT}"
    serve.ensure_database(args.database_url)
    serve.sh(sys.executable, "manage.py", "migrate", "--noinput", "-v0", env=env)
    serve.populate(env, args.issues)
    serve.sh(sys.executable, "manage.py", "collectstatic", "--noinput", "-v0", env=env)
    keep = int(
        serve.sh(
            sys.executable,
            "-c",
            "import django; django.setup(); from issues.models import Issue; "
            "print(max(Issue.objects.values_list('number', flat=True)))",
            env=env,
        ).stdout
    )
    paths = newest_urls(env)
    script = lua_script(paths, folder)
    serve.sh("redis-cli", "-n", "5", "flushdb")
    log = Path(folder) / "gunicorn.log"
    logfile = open(log, "ab")  # noqa: SIM115 (gunicorn writes to it until stopped)
    started_load = load_average()
    proc = serve.start_gunicorn(env, args.workers, stderr=logfile)
    results = {}
    cpus = Cpus()
    vias = ["gunicorn"]
    if not args.no_varnish:
        vias += ["varnish-shared", "varnish"] if cpus.can_split else ["varnish-shared"]
    try:
        if not args.no_varnish:
            serve.sh("scripts/varnish", "start", str(VARNISH_PORT), f"127.0.0.1:{serve.PORT}")
        for via in vias:
            base = f"http://127.0.0.1:{serve.PORT if via == 'gunicorn' else VARNISH_PORT}"
            if via == "varnish":
                cpus.split(proc.pid)
                cpus.pin_front(int(Path(VARNISH_PIDFILE).read_text()))
            warm(base, paths)
            for what in ("none", "edits"):
                if what not in args.rows:
                    continue
                results[(via, what)] = mix(base, script, args, env, edits=what == "edits", log=log, cpus=cpus)
                print(via, what, results[(via, what)], flush=True)
                warm(base, paths)
            if "burst" in args.rows:
                results[(via, "burst")] = burst(base, env, log, folder, cpus)
                print(via, "burst", results[(via, "burst")], flush=True)
                # The next rows read (and edit) the same three issues, not the one just published.
                remove_bench_issues(env, keep)
    finally:
        cpus.restore()
        if not args.no_varnish:
            serve.sh("scripts/varnish", "stop", str(VARNISH_PORT), check=False)
        serve.stop(proc)
        logfile.close()
        remove_bench_issues(env, keep)
    ended_load = load_average()

    rows = table(results)
    verdict = verdicts(results)
    print("\n".join(rows) + "\n\n" + verdict)
    if not args.no_write and set(args.rows) == set(ROWS):
        write_results(rows, verdict, args, len(paths), started_load, ended_load)
    shutil.rmtree(folder, ignore_errors=True)


def write_results(rows, verdict, args, urls, started_load, ended_load):
    body = (
        f"Run on {datetime.date.today():%Y-%m-%d}: "
        f"`{' '.join(['.venv/bin/python', 'bench/serve/issue_day.py', *sys.argv[1:]])}`\n\n"
        f"Machine: {serve.machine()}; load average (1 / 5 / 15 min) {started_load} at the start and "
        f"{ended_load} at the end (the machine is shared). gunicorn with {args.workers} sync workers, production "
        f"settings, PostgreSQL, Redis, page cache on; Varnish (`scripts/varnish`, 256 MB) in front of the same "
        f"gunicorn, purged by each save (`VARNISH_PURGE_URLS`). wrk with 1 thread, {args.connections} connections, "
        f"{args.duration} s per mix row, over the {urls} URLs of the three newest issues (home, page views, article "
        "views) in turn, every URL fetched once first. Edits: a separate process saves one article of those "
        f"issues every {EDIT_EVERY:.0f} s through the ORM (a correction added to or taken from its text). Burst: "
        f"an issue of 8 pages and 48 articles is published (`publish_issue`), then {BURST_CONNECTIONS} connections "
        f"read its 57 URLs (home, pages, articles) for the first {BURST_SECONDS} s, from the moment "
        "`publish_issue` returns; renders counted from gunicorn's own log and the publishing process's "
        "(`unionpaper.render` at INFO; publishing renders the new pages ahead, inside its transaction, "
        "`docs/caching.md`). Behind Varnish the same rows are read through it twice: with every process on both "
        "CPUs, and with Varnish and wrk on CPU 0 and gunicorn, PostgreSQL, Redis and the editor or publishing "
        "process on CPU 1 (`sched_setaffinity`), as a cache in front runs on a machine of its own; the targets "
        "for Varnish are read from the second. PostgreSQL's statistics are "
        "gathered (`ANALYZE`) before the run, as autovacuum has in production.\n\n"
        "| row | served by | requests/s | p50 ms | p99 ms | saves, renders / renders per URL | errors |\n"
        "|---|---|---:|---:|---:|---|---:|\n"
        + "\n".join(rows)
        + "\n\nTargets: with edits every 2 s, requests/s ≥ 95 % of the no-edit figure and p99 ≤ 2× the no-edit "
        "p99; publish burst p99 < 100 ms over the first 5 s with ≤ 1 render per URL; behind Varnish, cached "
        "pages ≥ 5× the requests/s of gunicorn alone. This run:\n\n" + verdict + "\n"
    )
    write_section("issue-day", "Issue day (`bench/serve/issue_day.py`)", body)


if __name__ == "__main__":
    main()
