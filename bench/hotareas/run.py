"""Quality and speed of hot areas suggested from page PDFs, and of scans rendered from them.

Generates pages (tests/pdfpages/generate.py: several layouts, TrueType and
CID-keyed CFF fonts through fpdf2, and the same pages printed by Chromium,
which embeds Type 3 and TrueType fonts) whose story regions are known, runs
``articles.hotareas.match.suggest`` on each, and counts the stories found
with an intersection over union of at least 0.9 against the printed region
(both rasterised 1,000 px on the long side). Writes the figures to
docs/hot-areas.md (``bench:hotareas``) and the timings — a page PDF to its
scan and renditions, suggestions for a 16-page issue — to
docs/performance.md (``bench:pdf``).

    .venv/bin/python bench/hotareas/run.py [--seeds 3] [--no-chromium] [--no-write]
"""

import argparse
import io
import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.scale import DOC, write_section  # noqa: E402 (after the path that makes it importable)

TARGET = 0.9
PRODUCERS = [("fpdf2", "cff"), ("fpdf2", "truetype"), ("chromium", "cff"), ("chromium", "truetype")]
TECHNOLOGY = {
    ("fpdf2", "cff"): "fpdf2, Noto CJK: CID-keyed CFF",
    ("fpdf2", "truetype"): "fpdf2, WenQuanYi Zen Hei: TrueType CID",
    ("chromium", "cff"): "Chromium, Noto CJK: Type 3",
    ("chromium", "truetype"): "Chromium, WenQuanYi Zen Hei: TrueType CID",
}


def setup_django():
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionpaper.settings")
    from django.conf import settings

    if not settings.configured:
        settings.configure()


def generate(seeds: int, chromium: bool):
    # The generator reads Django's settings: imported once setup_django() has configured them.
    from tests.pdfpages.generate import LAYOUTS, page_pdf

    producers = [p for p in PRODUCERS if chromium or p[0] != "chromium"]
    pages = []
    with _browser(chromium) as browser:
        for producer, font in producers:
            for layout in LAYOUTS:
                for seed in range(seeds):
                    data, page = page_pdf(layout, seed=seed, font=font, producer=producer, browser=browser)
                    pages.append(((producer, font), layout, data, page))
    return pages


class _browser:
    def __init__(self, wanted):
        self.wanted = wanted

    def __enter__(self):
        if not self.wanted:
            return None
        from playwright.sync_api import sync_playwright

        self.pw = sync_playwright().start()
        self.browser = self.pw.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), args=["--no-sandbox"]
        )
        return self.browser

    def __exit__(self, *exc):
        if self.wanted:
            self.browser.close()
            self.pw.stop()


def quality(pages):
    # The project's modules load only once setup_django() has configured Django.
    from articles.hotareas.geometry import iou
    from articles.hotareas.match import suggest

    rows = []
    for producer, layout, data, page in pages:
        for records, record in (("as printed", lambda s: s.record()), ("edited", lambda s: s.edited_record())):
            found = {s["article"]: s for s in suggest(data, [record(story) for story in page.stories])}
            for story in page.stories:
                shapes = found[story.id]["shapes"]
                score = iou(story.region(), shapes, aspect=page.width / page.height)
                rows.append(
                    {
                        "producer": producer,
                        "layout": layout,
                        "shape": story.shape,
                        "records": records,
                        "iou": score,
                        "matched": found[story.id]["matched"],
                    }
                )
    return rows


def timings(pages):
    """Return (render ms per page, renditions ms per page, suggest seconds for 16 pages, extract share)."""
    # The project's modules load only once setup_django() has configured Django.
    from articles.hotareas.extract import page_text
    from articles.hotareas.match import suggest, suggest_from_text
    from issues import renditions
    from issues.pdf_render import render_scan

    sample = [p for p in pages if p[0][0] == "fpdf2"][:16]
    while len(sample) < 16:
        sample = sample + sample[: 16 - len(sample)]
    render_ms, rendition_ms = [], []
    for _, _, data, _ in sample[:8]:
        started = time.perf_counter()
        scan = render_scan(data)
        render_ms.append((time.perf_counter() - started) * 1000)
        fake = _FakePage(scan.read())
        sizes = {f"w{w}.{ext}": (w, round(w * 1.414), ext) for w in renditions.WIDTHS for ext in renditions.FORMATS}
        started = time.perf_counter()
        renditions._render(fake, sizes)
        rendition_ms.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    for _, _, data, page in sample:
        suggest(data, [story.record() for story in page.stories])
    issue_s = time.perf_counter() - started
    started = time.perf_counter()
    texts = [(page_text(data), page) for _, _, data, page in sample]
    extract_s = time.perf_counter() - started
    started = time.perf_counter()
    for text, page in texts:
        suggest_from_text(text, [story.record() for story in page.stories])
    match_s = time.perf_counter() - started
    return statistics.median(render_ms), statistics.median(rendition_ms), issue_s, extract_s, match_s


class _FakePage:
    """What ``issues.renditions._render`` reads of a page: its scan."""

    def __init__(self, data):
        self.data = data
        self.image = self

    def open(self, mode="rb"):
        return io.BytesIO(self.data)


def quality_table(rows, command):
    def share(subset):
        good = sum(1 for r in subset if r["iou"] >= TARGET)
        return f"{good}/{len(subset)} ({100 * good / len(subset):.1f} %)"

    lines = [
        "",
        f"Run on {time.strftime('%Y-%m-%d')} with `{command}`"
        f" ({platform.machine()}, Python {platform.python_version()}).",
        f"Target: at least 90 % of stories with IoU ≥ {TARGET} against the printed region.",
        "",
        "| pages | stories | IoU ≥ 0.9 | median IoU | worst IoU |",
        "|---|---|---|---|---|",
    ]
    scores = [r["iou"] for r in rows]
    lines.append(
        f"| all | {len(rows)} | {share(rows)} | {statistics.median(scores):.3f} | {min(scores):.3f} |",
    )
    lines += [
        "",
        "| records matched | stories | IoU ≥ 0.9 | median matched |",
        "|---|---|---|---|",
    ]
    explained = {
        "as printed": "as printed (punctuation width, digits and spaced names differ)",
        "edited": "edited after layout (1 character in 20 changed, a paragraph added)",
    }
    by = defaultdict(list)
    for r in rows:
        by[r["records"]].append(r)
    for records, subset in by.items():
        matched = statistics.median(r["matched"] for r in subset)
        lines.append(f"| {explained[records]} | {len(subset)} | {share(subset)} | {matched:.2f} |")
    lines += ["", "| by producer and font technology | stories | IoU ≥ 0.9 |", "|---|---|---|"]
    by = defaultdict(list)
    for r in rows:
        by[r["producer"]].append(r)
    for producer, subset in by.items():
        lines.append(f"| {TECHNOLOGY[producer]} | {len(subset)} | {share(subset)} |")
    lines += ["", "| by shape of story | stories | IoU ≥ 0.9 |", "|---|---|---|"]
    names = {"rect": "one rectangle", "polygon": "L-shaped (one polygon)", "blocks": "two blocks apart"}
    by = defaultdict(list)
    for r in rows:
        by[r["shape"]].append(r)
    for shape, subset in by.items():
        lines.append(f"| {names[shape]} | {len(subset)} | {share(subset)} |")
    return "\n".join(lines) + "\n"


def timing_table(result, command):
    render_ms, rendition_ms, issue_s, extract_s, match_s = result
    return "\n".join(
        [
            "",
            f"Run on {time.strftime('%Y-%m-%d')} with `{command}` ({platform.machine()}, {os.cpu_count()} cores,"
            f" Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the end);"
            " generated A3 pages of five to seven columns.",
            "",
            "| step | time |",
            "|---|---|",
            f"| page PDF → 200 dpi JPEG scan (2339 × 3308 px), median of 8 | {render_ms:.0f} ms |",
            f"| scan → renditions (600 and 1200 px, JPEG and WebP), median of 8 | {rendition_ms:.0f} ms |",
            f"| suggest hot areas for a 16-page issue (text extraction and matching) | {issue_s:.2f} s |",
            f"| of which reading the 16 text layers | {extract_s:.2f} s |",
            f"| of which matching the articles | {match_s:.2f} s |",
            "",
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="pages per layout and producer")
    parser.add_argument("--no-chromium", action="store_true", help="only the fpdf2 pages")
    parser.add_argument("--no-write", action="store_true", help="print, leave docs/ alone")
    args = parser.parse_args()
    setup_django()
    command = " ".join([".venv/bin/python", os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])
    started = time.perf_counter()
    pages = generate(args.seeds, not args.no_chromium)
    print(f"generated {len(pages)} pages in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    rows = quality(pages)
    quality_text = quality_table(rows, command)
    timing_text = timing_table(timings(pages), command)
    print(quality_text)
    print(timing_text)
    for row in rows:
        if row["iou"] < TARGET:
            print("below target:", row, file=sys.stderr)
    if not args.no_write:
        hot = ROOT / "docs" / "hot-areas.md"
        write_section("hotareas", "Quality of suggested hot areas (`bench/hotareas`)", quality_text, doc=hot)
        write_section("pdf", "Page PDFs: scans and hot areas (`bench/hotareas`)", timing_text, doc=DOC)


if __name__ == "__main__":
    main()
