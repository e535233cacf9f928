"""Find where each article of a page is printed, from the page PDF's text layer.

The page's articles come as plain data (``id``, ``kicker``, ``headline``,
``subtitle``, ``byline``, ``body`` as plain text). Text is compared by a key
that keeps only letters and digits after NFKC, so full- and half-width
punctuation and digits, the spaces of spaced names (刘 飞) and line breaks
(Chinese wraps without hyphens) do not matter.

Each printed line is given to the article whose key contains it (or half
of it, where the record was edited after layout); a line
that two articles could hold goes to the one it continues (its key starts
where that article's previous line ended), else to the one its neighbours
in the PDF belong to. Each article's lines are then grouped into column
runs, the runs into blocks (side by side or one under the other), headings
stretched over the columns beneath them, and every block becomes one shape:
a rectangle, or a polygon where the block is not one (an L-shaped story).
"""

import itertools
import unicodedata
from collections import defaultdict

from articles.hotareas.extract import PageText, TextLine, page_text
from articles.hotareas.geometry import outline, scaled

# Type this much larger than an article's body is a heading (kicker, headline, subtitle).
HEADING_RATIO = 1.15
# Runs of one article closer than this many ems side by side are one block (the gutter between columns).
GUTTER = 4.0
# A block of this many lines or fewer, apart from the rest of its article and under none of its headings, is dropped.
STRAY = 2
# Lines that share fewer key characters than this are placed by their neighbours.
SHORT = 4
# An article with less of its text found than this gets no areas.
MIN_MATCHED = 0.15
FIELDS = ("kicker", "headline", "subtitle", "byline", "body")


def key(text: str) -> str:
    """Return the letters and digits of ``text`` after NFKC, lower case."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text.lower() if unicodedata.category(ch)[0] in "LN")


def suggest(page_pdf, articles, *, page_index: int = 0) -> list[dict]:
    """Return ``[{"article": id, "shapes": [...], "matched": fraction}]`` for ``articles`` on ``page_pdf``.

    ``page_pdf`` is bytes, a path or a file; ``articles`` are mappings with
    the keys of ``FIELDS`` and ``id``. Shapes are in page fractions (0–1,
    origin top left); an article not found has no shapes.
    """
    return suggest_from_text(page_text(page_pdf, page_index), articles)


def suggest_from_text(text: PageText, articles) -> list[dict]:
    """Return what :func:`suggest` returns, for a page's text already extracted."""
    found = match_lines(text, articles)
    grid = columns(text.lines)
    page_body = text.body_size()
    out = []
    for article in articles:
        lines, matched = found.get(article["id"], ([], 0.0))
        shapes = []
        if matched >= MIN_MATCHED:
            shapes = [scaled(s, 1 / text.width, 1 / text.height) for s in shapes_of(lines, grid, page_body)]
        out.append({"article": article["id"], "shapes": shapes, "matched": round(matched, 3)})
    return out


def match_lines(text: PageText, articles) -> dict:
    """Return ``{article id: (lines, matched fraction)}``."""
    keys = {a["id"]: "".join(key(a.get(f, "")) for f in FIELDS) for a in articles}
    line_keys = [key(line.text) for line in text.lines]
    owner: list = [None] * len(text.lines)
    spans: list = [None] * len(text.lines)
    cursor = {}
    ambiguous = []
    for n, lk in enumerate(line_keys):
        if len(lk) < SHORT:
            continue
        places = {aid: _find_all(k, lk) for aid, k in keys.items()}
        places = {aid: p for aid, p in places.items() if p}
        if not places and len(lk) >= 2 * SHORT:
            places = _found_in_halves(keys, lk)
        if not places:
            continue
        continuing = [(aid, p) for aid, ps in places.items() for p in ps if aid in cursor and abs(p - cursor[aid]) <= 2]
        if continuing:
            aid, p = continuing[0]
        elif len(places) == 1:
            aid, ps = next(iter(places.items()))
            p = ps[0]
        else:
            ambiguous.append((n, places))
            continue
        owner[n], spans[n] = aid, (p, p + len(lk))
        cursor[aid] = p + len(lk)
    for n, places in ambiguous:
        aid = _by_neighbours(n, owner, set(places))
        if aid is not None:
            owner[n], spans[n] = aid, (places[aid][0], places[aid][0] + len(line_keys[n]))
    _place_short_lines(text.lines, line_keys, owner, spans, keys)
    _fill_between(text.lines, owner)
    out = {}
    for aid, k in keys.items():
        mine = [n for n, o in enumerate(owner) if o == aid]
        covered = _covered([spans[n] for n in mine])
        out[aid] = ([text.lines[n] for n in mine], min(1.0, covered / len(k)) if k else 0.0)
    return out


def _found_in_halves(keys: dict, lk: str) -> dict:
    """Return where the line would start in each article holding one of its halves.

    The record may have been edited after the page was laid out: a changed
    character leaves the other half of the line to be found.
    """
    half = len(lk) // 2
    places = {}
    for aid, k in keys.items():
        starts = _find_all(k, lk[:half]) + [p - half for p in _find_all(k, lk[half:]) if p >= half]
        if starts:
            places[aid] = sorted(set(starts))
    return places


def _find_all(haystack: str, needle: str, limit: int = 8) -> list[int]:
    found, start = [], 0
    while len(found) < limit:
        p = haystack.find(needle, start)
        if p < 0:
            break
        found.append(p)
        start = p + 1
    return found


def _by_neighbours(n, owner, candidates):
    for distance in range(1, 6):
        for m in (n - distance, n + distance):
            if 0 <= m < len(owner) and owner[m] in candidates:
                return owner[m]
    return None


def _place_short_lines(lines, line_keys, owner, spans, keys):
    """Give a short line (a paragraph's last characters) to the article it continues in its column."""
    for n, lk in enumerate(line_keys):
        if owner[n] is not None or not lk or len(lk) >= SHORT:
            continue
        line = lines[n]
        for m in (n - 1, n + 1):
            if not 0 <= m < len(lines) or owner[m] is None:
                continue
            other = lines[m]
            near = abs(other.x0 - line.x0) < 3 * line.size and abs(other.y0 - line.y0) < 2.5 * line.size
            k = keys[owner[m]]
            start = spans[m][1] if m < n else spans[m][0] - len(lk)
            if near and k[start : start + len(lk)] == lk:
                owner[n], spans[n] = owner[m], (start, start + len(lk))
                break


def _fill_between(lines, owner, most: int = 3):
    """Give up to ``most`` lines set between lines of one article in its column to that article.

    Type runs on at an even leading within a story; another story in the same
    column starts after a gap or a heading. The lines between are ones the
    record no longer holds as printed (edited after layout), or phrases it
    shares with another article; they count for the areas, not for the
    matched fraction.
    """
    by_column = defaultdict(list)
    for n in sorted(range(len(lines)), key=lambda n: lines[n].x0):
        line = lines[n]
        column = next((c for c in by_column if abs(c - line.x0) <= 3 * line.size), line.x0)
        by_column[column].append(n)
    for members in by_column.values():
        members.sort(key=lambda n: lines[n].y0)
        for segment in _even_segments(lines, members):
            runs = [list(group) for _, group in itertools.groupby(segment, key=lambda n: owner[n])]
            for before, run, after in zip(runs, runs[1:], runs[2:], strict=False):
                aid = owner[before[0]]
                if aid is not None and owner[after[0]] == aid and len(run) <= min(most, len(before), len(after)):
                    for m in run:
                        owner[m] = aid


def _even_segments(lines, members):
    """Split a column's lines where the leading breaks or a heading stands."""
    segment = []
    for n in members:
        line = lines[n]
        if segment:
            previous = lines[segment[-1]]
            size = min(line.size, previous.size)
            if line.y0 - previous.y1 > 2.5 * size or abs(line.size - previous.size) > 0.15 * size:
                yield segment
                segment = []
        segment.append(n)
    if segment:
        yield segment


def _covered(spans) -> int:
    total, end = 0, -1
    for start, stop in sorted(s for s in spans if s):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total


# --- lines to shapes -------------------------------------------------------------


def columns(lines: list[TextLine]) -> list[tuple[float, float]]:
    """Return the page's text columns as ``(left, right)``.

    A column's left edge is where many lines start; its right edge is where
    most of those end. A paragraph's indented first line, a short last line
    or a byline does not reach both edges; lines set with narrower digits or
    a hanging comma end a little before or after.
    """
    starts = defaultdict(list)
    for line in lines:
        starts[round(line.x0)].append(line)
    lefts = sorted((x for x, group in starts.items() if len(group) >= 3), key=lambda x: -len(starts[x]))
    kept = []
    for x in lefts:
        size = starts[x][0].size
        if not any(k + 0.5 * size <= x <= k + 3 * size for k in kept):  # an indent inside a column
            kept.append(x)
    grid = []
    for x in kept:
        ends = defaultdict(int)
        for line in starts[x]:
            ends[round(line.x1)] += 1
        grid.append((float(x), float(max(ends, key=lambda e: (ends[e], e)))))
    return sorted(grid)


def _snap(run, grid, body):
    """Widen a column run to the column it is printed in."""
    x0, y0, x1, y1, size = run
    fits = [
        (left, right)
        for left, right in grid
        if left - 0.5 * body <= x0 <= left + 3 * body and x1 <= right + 1.5 * body and right > x0
    ]
    if not fits:
        return run
    left, right = min(fits, key=lambda c: (abs(c[0] - x0), c[1] - c[0]))
    return (min(left, x0), y0, max(right, min(x1, right)), y1, size)


def body_size_of(lines: list[TextLine], page_body: float | None = None) -> float:
    """Return the body type size of ``lines``: the page's, if some of them are set in it, else their commonest.

    A brief's headline can have more characters than its body.
    """
    sizes = defaultdict(int)
    for line in lines:
        sizes[line.size] += len(line.chars)
    if page_body is not None and any(abs(size - page_body) <= 0.05 * page_body for size in sizes):
        return page_body
    return max(sizes, key=sizes.get)


def shapes_of(lines: list[TextLine], grid=(), page_body: float | None = None) -> list[dict]:
    """Return the shapes (in points) covering ``lines``: one per block of the article.

    ``grid`` is the page's :func:`columns`; a run of lines fills the width of its column.
    """
    if not lines:
        return []
    body = body_size_of(lines, page_body)
    body_lines = [line for line in lines if line.size <= body * HEADING_RATIO]
    headings = [line for line in lines if line.size > body * HEADING_RATIO]
    runs = [_snap(run, grid, body) for run in column_runs(body_lines, body)]
    blocks = _blocks(runs, body)
    if len(blocks) > 1:
        # A line or two far from the rest of the article, under no heading of
        # it, is a phrase it shares with another story, not a block of its own.
        blocks = [b for b in blocks if _lines_in(b, body_lines) > STRAY or _block_below_any(b, headings)] or blocks
    boxes_of = [[run[:4] for run in block] for block in blocks]
    for heading in headings:
        target = _block_below(heading, blocks, body)
        if target is None:
            boxes_of.append([heading.box])
            blocks.append([(*heading.box, heading.size)])
            continue
        top_runs = [r for r in blocks[target] if r[1] - min(q[1] for q in blocks[target]) < 3 * body]
        x0 = min(min(r[0] for r in top_runs), heading.x0)
        x1 = max(max(r[2] for r in top_runs), heading.x1)
        boxes_of[target].append((x0, heading.y0, x1, min(r[1] for r in top_runs)))
    return [outline(boxes, close_x=GUTTER * body, close_y=2.5 * body) for boxes in boxes_of]


def _lines_in(block, lines) -> int:
    return sum(
        1
        for line in lines
        if any(r[0] <= (line.x0 + line.x1) / 2 <= r[2] and r[1] <= (line.y0 + line.y1) / 2 <= r[3] for r in block)
    )


def _block_below_any(block, headings) -> bool:
    top = min(r[1] for r in block)
    x0, x1 = min(r[0] for r in block), max(r[2] for r in block)
    return any(0 <= top - h.y1 < 400 and min(x1, h.x1) > max(x0, h.x0) for h in headings)


def column_runs(lines, body: float) -> list[tuple]:
    """Group lines into runs down one column: ``(x0, y0, x1, y1, size)``."""
    runs: list[list] = []
    for line in sorted(lines, key=lambda ln: (ln.y0, ln.x0)):
        best = None
        for run in runs:
            overlap = min(run[2], line.x1) - max(run[0], line.x0)
            gap = line.y0 - run[3]
            below = overlap > 0.5 * min(run[2] - run[0], line.x1 - line.x0) and -0.5 * body <= gap <= 2.5 * body
            if below and (best is None or gap < line.y0 - best[3]):
                best = run
        if best is None:
            runs.append([line.x0, line.y0, line.x1, line.y1, line.size])
        else:
            best[0], best[2] = min(best[0], line.x0), max(best[2], line.x1)
            best[3] = max(best[3], line.y1)
    return [tuple(run) for run in runs]


def _blocks(runs, body: float) -> list[list]:
    parent = list(range(len(runs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(runs):
        for j in range(i + 1, len(runs)):
            b = runs[j]
            side_by_side = min(a[3], b[3]) - max(a[1], b[1]) > 0 and max(a[0], b[0]) - min(a[2], b[2]) <= GUTTER * body
            stacked = min(a[2], b[2]) - max(a[0], b[0]) > 0 and max(a[1], b[1]) - min(a[3], b[3]) <= 2.5 * body
            if side_by_side or stacked:
                parent[find(i)] = find(j)
    groups = defaultdict(list)
    for i, run in enumerate(runs):
        groups[find(i)].append(run)
    return sorted(groups.values(), key=lambda g: (min(r[1] for r in g), min(r[0] for r in g)))


def _block_below(heading: TextLine, blocks, body: float):
    """Return the index of the block that starts just below ``heading`` and lies under it."""
    best, best_gap = None, None
    for index, block in enumerate(blocks):
        top = min(r[1] for r in block)
        x0, x1 = min(r[0] for r in block), max(r[2] for r in block)
        gap = top - heading.y1
        if gap < -0.5 * heading.size or min(x1, heading.x1) - max(x0, heading.x0) <= 0:
            continue
        if best_gap is None or gap < best_gap:
            best, best_gap = index, gap
    if best_gap is not None and best_gap > 400:  # a heading far above anything of its story stands alone
        return None
    return best
