"""Lighthouse's mobile preset on the page view and the article view of a demo site.

    .venv/bin/python bench/lighthouse/run.py [--runs 3] [--no-write]

Builds a throwaway site in a temporary folder (SQLite, ``seed_demo``,
``collectstatic``, and a 6,000 x 4,000 camera photo on one front-page
article, as an editor might upload it), serves it with gunicorn in the
production configuration (``DEBUG=false``, WhiteNoise, the page cache on), and
runs Lighthouse 12 with its default mobile preset (a mid-range phone,
simulated slow 4G and a 4x slower CPU) against Debian's Chromium, headless.

Lighthouse is installed with npm into bench/data/ on the first run (npm and
Node 18.16 or newer needed here only); the site itself needs no Node. Each
URL is measured ``--runs`` times and the run with the median performance
score is reported, as Lighthouse advises. The reports are kept in
bench/data/lighthouse/ for a closer look; the table goes to
docs/performance.md between the ``bench:lighthouse`` markers.
"""

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import scale  # noqa: E402 (after the path is set)

LIGHTHOUSE = "12.8.2"
NPM_DIR = ROOT / "bench" / "data" / f"lighthouse-{LIGHTHOUSE}"
REPORTS = ROOT / "bench" / "data" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGET = "performance and accessibility ≥ 95, LCP ≤ 2.0 s"

# Run inside the throwaway site's Django: attach the camera photo and print the URLs to measure.
PREPARE = """
import io, json
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw
from articles.models import Article
from issues.models import Issue

issue = Issue.objects.published().order_by("-date").first()
page = issue.pages.in_order().first()
articles = list(Article.objects.published().filter(page=page).order_by("order"))
plain, with_photo = articles[0], articles[1]
width, height = 6000, 4000
small = Image.linear_gradient("L").resize((width // 8, height // 8))
img = Image.merge("RGB", (small, small.rotate(90), Image.radial_gradient("L").resize(small.size)))
img = img.resize((width, height), Image.Resampling.BILINEAR)
draw = ImageDraw.Draw(img)
for i in range(60):
    x, y = (i * 977) % width, (i * 613) % height
    draw.ellipse((x, y, x + width // 10, y + height // 9), fill=((i * 53) % 256, (i * 91) % 256, (i * 17) % 256))
grain = Image.effect_noise((width, height), 48)
img = Image.blend(img, Image.merge("RGB", (grain, grain, grain)), 0.25)
out = io.BytesIO()
img.save(out, "JPEG", quality=95)
if not with_photo.images.exists():
    photo = with_photo.images.create(caption="职工在服务站咨询。", credit="本报记者", order=0)
    photo.image.save("camera.jpg", ContentFile(out.getvalue()))
print(json.dumps({
    "page view": page.get_absolute_url(),
    "article view": plain.get_absolute_url(),
    "article view, 6000×4000 photo": with_photo.get_absolute_url(),
    "photo bytes": len(out.getvalue()),
}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lighthouse_bin() -> Path:
    """Return the Lighthouse CLI, installing the pinned version with npm into bench/data/ if needed."""
    binary = NPM_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if not shutil.which("npm"):
            sys.exit("npm is needed to install Lighthouse (apt-get install npm)")
        NPM_DIR.mkdir(parents=True, exist_ok=True)
        print(f"installing lighthouse@{LIGHTHOUSE} into {NPM_DIR.relative_to(ROOT)} …", flush=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(NPM_DIR), "--no-audit", "--no-fund", f"lighthouse@{LIGHTHOUSE}"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return binary


def manage(env, *args, capture=False):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        check=True,
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    ).stdout


def build_site(folder: Path, port: int) -> tuple[dict, dict]:
    """Return (environment, URLs) of a demo site built in ``folder``."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-lighthouse-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(folder / "static"),
        "CACHE_URL": "locmemcache://",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": os.devnull,
        "WEB_CONCURRENCY": "2",
    }
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput", "-v0")
    urls = json.loads(manage(env, "shell", "-c", PREPARE, capture=True).strip().splitlines()[-1])
    return env, urls


def wait_until_up(base: str, server, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped before it served a page")
        try:
            with urllib.request.urlopen(base + "/health/", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    sys.exit("gunicorn did not answer within a minute")


def run_lighthouse(binary: Path, url: str, out: Path, tries: int = 3) -> dict:
    """Return Lighthouse's report on ``url``; a run whose trace came out broken is tried again."""
    for attempt in range(1, tries + 1):
        out.unlink(missing_ok=True)
        done = subprocess.run(
            [
                str(binary),
                url,
                "--output=json",
                f"--output-path={out}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                "--quiet",
            ],
            env={**os.environ, "CHROME_PATH": CHROME},
            check=False,
        )
        if done.returncode == 0 and out.exists():
            report = json.loads(out.read_text())
            if not report.get("runtimeError"):
                return report
        print(f"  Lighthouse failed on {url} (try {attempt} of {tries})", flush=True)
    sys.exit(f"Lighthouse could not measure {url}")


def measures(report: dict) -> dict:
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    return {
        **{c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES},
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "fcp": audits["first-contentful-paint"]["numericValue"] / 1000,
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
        "image bytes": sum(r.get("transferSize", 0) for r in requests if r.get("resourceType") == "Image"),
        "benchmark index": report["environment"]["benchmarkIndex"],
        "failing a11y": sorted(
            a["id"]
            for ref in report["categories"]["accessibility"]["auditRefs"]
            if ref["weight"] and (a := audits[ref["id"]])["score"] is not None and a["score"] < 1
        ),
    }


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if not Path(CHROME).exists():
        sys.exit(f"Chromium not found at {CHROME} (apt-get install chromium, or set CHROME_PATH)")
    binary = lighthouse_bin()
    REPORTS.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-lighthouse-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    try:
        env, urls = build_site(folder, port)
        photo_bytes = urls.pop("photo bytes")
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "unionpaper.wsgi", "-c", str(ROOT / "gunicorn.conf.py")],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until_up(base, server)
        rows = []
        for name, path in urls.items():
            for warm in (path, path):  # fill the page cache and the renditions before measuring
                urllib.request.urlopen(base + warm).read()
            runs = []
            for n in range(args.runs):
                slug = name.split(",")[0].replace(" ", "-") + ("-photo" if "photo" in name else "")
                report = run_lighthouse(binary, base + path, REPORTS / f"{slug}-{n + 1}.json")
                runs.append(measures(report))
                m = runs[-1]
                print(
                    f"{name:32} run {n + 1}: perf {m['performance']:3} a11y {m['accessibility']:3} "
                    f"LCP {m['lcp']:.2f} s  {kb(m['bytes'])} (images {kb(m['image bytes'])})",
                    flush=True,
                )
            scores = [m["performance"] for m in runs]
            median = min(runs, key=lambda m: (abs(m["performance"] - statistics.median(scores)), m["lcp"]))
            rows.append((name, path, median, scores))
    finally:
        if server is not None:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)

    table = (
        "| view | performance | accessibility | best practices | SEO | LCP | FCP | TBT | CLS "
        "| total bytes | image bytes |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        + "\n".join(
            f"| {name} (`{path}`) | {m['performance']} ({', '.join(map(str, scores))}) | {m['accessibility']} "
            f"| {m['best-practices']} | {m['seo']} | {m['lcp']:.2f} s | {m['fcp']:.2f} s | {m['tbt']:.0f} ms "
            f"| {m['cls']:.3f} | {kb(m['bytes'])} | {kb(m['image bytes'])} |"
            for name, path, m, scores in rows
        )
    )
    failing = "\n".join(f"- {name}: {', '.join(m['failing a11y']) or 'none'}" for name, _path, m, _scores in rows)
    body = (
        f"Run on {scale.today()} ({platform.machine()}, {os.cpu_count()} cores, Lighthouse {LIGHTHOUSE}, "
        f"Chromium headless; Lighthouse's benchmark index {rows[0][2]['benchmark index']:.0f}; "
        f"load average {os.getloadavg()[0]:.1f} at the end, on a machine shared with other work): "
        f"`.venv/bin/python bench/lighthouse/run.py{' --runs ' + str(args.runs) if args.runs != 3 else ''}`. "
        "Mobile preset: simulated slow 4G (150 ms, 1.6 Mbit/s) and 4x CPU slowdown, 412 x 823 at 1.75x. "
        f"The demo site (`seed_demo`) served by gunicorn with `DEBUG=false`; the photo is a "
        f"{photo_bytes / 1024 / 1024:.1f} MB camera JPEG. Median run of {args.runs} by performance score "
        f"(all {args.runs} scores in brackets). Target: {TARGET}.\n\n"
        + table
        + "\n\nAccessibility audits not passed (Lighthouse runs a subset of axe-core):\n\n"
        + failing
        + "\n"
    )
    print(body)
    if not args.no_write:
        scale.write_section("lighthouse", "Phones: Lighthouse mobile (`bench/lighthouse`)", body)


if __name__ == "__main__":
    main()
