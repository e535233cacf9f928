"""Hot-area shapes: unions of axis-aligned boxes as a rectangle or a polygon, and their overlap.

A shape is ``{"type": "rect", "points": [[x0, y0], [x1, y1]]}`` (top left and
bottom right corners) or ``{"type": "polygon", "points": [[x, y], …]}`` (its
corners in order, clockwise as seen on the page), with x and y as fractions
of the page's width and height, origin at the top left.
"""

from collections import defaultdict

# A union covering this much of its bounding box is drawn as that box: a
# ragged last column is still a rectangular story.
RECT_FILL = 0.92


def outline(boxes, *, close_x: float = 0.0, close_y: float = 0.0) -> dict:
    """Return the shape (in the boxes' units) of the union of ``boxes``.

    Gaps between covered parts narrower than ``close_x`` across or
    ``close_y`` down (column gutters, the space between headline and body)
    count as covered, and so does what the union encloses or bites out of one side.
    """
    xs = sorted({v for b in boxes for v in (b[0], b[2])})
    ys = sorted({v for b in boxes for v in (b[1], b[3])})
    cols, rows = len(xs) - 1, len(ys) - 1
    if cols < 1 or rows < 1:
        x0, y0, x1, y1 = _bbox(boxes)
        return {"type": "rect", "points": [[x0, y0], [x1, y1]]}
    covered = [[False] * rows for _ in range(cols)]
    for i in range(cols):
        cx = (xs[i] + xs[i + 1]) / 2
        for j in range(rows):
            cy = (ys[j] + ys[j + 1]) / 2
            covered[i][j] = any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)
    _close(covered, xs, close_x, across=True)
    _close(covered, ys, close_y, across=False)
    _fill_holes(covered)
    area = sum((xs[i + 1] - xs[i]) * (ys[j + 1] - ys[j]) for i in range(cols) for j in range(rows) if covered[i][j])
    x0, y0, x1, y1 = _bbox(boxes)
    if area >= RECT_FILL * (x1 - x0) * (y1 - y0):
        return {"type": "rect", "points": [[x0, y0], [x1, y1]]}
    return {"type": "polygon", "points": _trace(covered, xs, ys)}


def _bbox(boxes):
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _close(covered, edges, limit, *, across):
    """Cover runs of uncovered cells narrower than ``limit`` between covered ones."""
    if limit <= 0:
        return
    cols, rows = len(covered), len(covered[0])
    outer, inner = (rows, cols) if across else (cols, rows)
    for a in range(outer):

        def cell(b, a=a):
            return covered[b][a] if across else covered[a][b]

        def cover(b, a=a):
            if across:
                covered[b][a] = True
            else:
                covered[a][b] = True

        b = 0
        while b < inner:
            if cell(b):
                b += 1
                continue
            start = b
            while b < inner and not cell(b):
                b += 1
            if start > 0 and b < inner and edges[b] - edges[start] <= limit:
                for k in range(start, b):
                    cover(k)


def _fill_holes(covered):
    """Cover the gaps the union encloses or bites out of one side: a photo set into a story is part of it.

    A gap that reaches two sides of the bounding box is a corner left out
    (the foot of an L) and stays.
    """
    cols, rows = len(covered), len(covered[0])
    seen = [[False] * rows for _ in range(cols)]
    for si in range(cols):
        for sj in range(rows):
            if covered[si][sj] or seen[si][sj]:
                continue
            cells, sides, stack = [], set(), [(si, sj)]
            seen[si][sj] = True
            while stack:
                i, j = stack.pop()
                cells.append((i, j))
                sides |= {
                    side
                    for side, edge in (("l", i == 0), ("r", i == cols - 1), ("t", j == 0), ("b", j == rows - 1))
                    if edge
                }
                for ni, nj in ((i + 1, j), (i - 1, j), (i, j + 1), (i, j - 1)):
                    if 0 <= ni < cols and 0 <= nj < rows and not covered[ni][nj] and not seen[ni][nj]:
                        seen[ni][nj] = True
                        stack.append((ni, nj))
            if len(sides) <= 1:
                for i, j in cells:
                    covered[i][j] = True


def _trace(covered, xs, ys) -> list:
    """Return the corners of the largest outline of the covered cells, clockwise on the page."""
    cols, rows = len(covered), len(covered[0])

    def on(i, j):
        return 0 <= i < cols and 0 <= j < rows and covered[i][j]

    # Directed edges with the covered side on the right (y grows downwards).
    edges = defaultdict(list)
    for i in range(cols):
        for j in range(rows):
            if not covered[i][j]:
                continue
            if not on(i, j - 1):
                edges[(i, j)].append((i + 1, j))
            if not on(i + 1, j):
                edges[(i + 1, j)].append((i + 1, j + 1))
            if not on(i, j + 1):
                edges[(i + 1, j + 1)].append((i, j + 1))
            if not on(i - 1, j):
                edges[(i, j + 1)].append((i, j))
    loops = []
    while any(edges.values()):
        start = next(k for k, v in edges.items() if v)
        loop, point = [start], start
        while True:
            nxt = edges[point].pop()
            if nxt == start:
                break
            loop.append(nxt)
            point = nxt
        loops.append(loop)
    best = max(loops, key=lambda loop: abs(_area([(xs[i], ys[j]) for i, j in loop])))
    points = [(xs[i], ys[j]) for i, j in best]
    return [list(p) for p in _simplify(points)]


def _area(points) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True)) / 2


def _simplify(points):
    points = [p for k, p in enumerate(points) if p != points[k - 1]]
    out = []
    n = len(points)
    for k in range(n):
        prev, here, nxt = points[k - 1], points[k], points[(k + 1) % n]
        collinear = (prev[0] == here[0] == nxt[0]) or (prev[1] == here[1] == nxt[1])
        if not collinear:
            out.append(here)
    return out


def scaled(shape: dict, sx: float, sy: float, digits: int = 4) -> dict:
    """Return ``shape`` with x multiplied by ``sx`` and y by ``sy``, rounded."""
    return {
        "type": shape["type"],
        "points": [[round(x * sx, digits), round(y * sy, digits)] for x, y in shape["points"]],
    }


def mask(shapes, size: int = 1000, aspect: float = 1.0):
    """Return a Pillow bitmap of ``shapes`` (page fractions), ``size`` pixels on the long side."""
    from PIL import Image, ImageDraw

    width, height = (size, round(size / aspect)) if aspect >= 1 else (round(size * aspect), size)
    image = Image.new("1", (width, height))
    draw = ImageDraw.Draw(image)
    for shape in shapes:
        points = [(x * width, y * height) for x, y in shape["points"]]
        if shape["type"] == "rect":
            (x0, y0), (x1, y1) = points
            draw.rectangle([x0, y0, x1 - 1, y1 - 1], fill=1)
        else:
            draw.polygon(points, fill=1)
    return image


def iou(shapes_a, shapes_b, *, size: int = 1000, aspect: float = 1.0) -> float:
    """Return the intersection over union of two sets of shapes, rasterised ``size`` px on the long side."""
    from PIL import ImageChops

    a, b = mask(shapes_a, size, aspect), mask(shapes_b, size, aspect)
    inter = ImageChops.logical_and(a, b).histogram()[255]
    union = ImageChops.logical_or(a, b).histogram()[255]
    return inter / union if union else 0.0
