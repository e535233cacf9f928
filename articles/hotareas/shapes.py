"""An article's stored hot areas: checked, put in one canonical form, and drawn.

``Article.hot_areas`` is a list of shapes in page fractions (``geometry``):
``{"type": "rect", "points": [[x0, y0], [x1, y1]]}`` or
``{"type": "polygon", "points": [[x, y], …]}``. Every point lies on the page
(0–1 both ways), so no area runs off the scan's edge.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError

from .geometry import _area

DIGITS = 4
MAX_SHAPES = 20
MAX_POINTS = 200


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValidationError(f"{where}的坐标不是数字。")
    try:
        number = float(value)
    except ValueError:
        raise ValidationError(f"{where}的坐标“{value}”不是数字。") from None
    if number != number:  # NaN
        raise ValidationError(f"{where}的坐标不是数字。")
    if not 0 <= number <= 1:
        raise ValidationError(f"{where}超出版面：坐标须在 0 到 1 之间（版面的宽和高的比例），现为 {number:g}。")
    return round(number, DIGITS)


def clean_shapes(value) -> list[dict]:
    """Return ``value`` as canonical shapes, or raise a ValidationError that says what is wrong.

    Rectangle corners come out top left first; polygons clockwise as seen on
    the page, without repeated points.
    """
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationError("热区须是图形的列表。")
    if len(value) > MAX_SHAPES:
        raise ValidationError(f"一篇稿件最多 {MAX_SHAPES} 个热区图形。")
    shapes = []
    for n, shape in enumerate(value, 1):
        where = f"第 {n} 个热区"
        if not isinstance(shape, dict) or shape.get("type") not in ("rect", "polygon"):
            raise ValidationError(f"{where}须是矩形（rect）或多边形（polygon）。")
        raw = shape.get("points")
        if not isinstance(raw, list) or len(raw) > MAX_POINTS:
            raise ValidationError(f"{where}的顶点须是最多 {MAX_POINTS} 个 [x, y] 的列表。")
        points = []
        for point in raw:
            if not isinstance(point, list | tuple) or len(point) != 2:
                raise ValidationError(f"{where}的顶点须写成 [x, y]。")
            points.append([_number(point[0], where), _number(point[1], where)])
        if shape["type"] == "rect":
            if len(points) != 2:
                raise ValidationError(f"{where}是矩形，须给出左上角和右下角两个顶点。")
            (ax, ay), (bx, by) = points
            x0, x1, y0, y1 = min(ax, bx), max(ax, bx), min(ay, by), max(ay, by)
            if x0 == x1 or y0 == y1:
                raise ValidationError(f"{where}的宽或高为 0。")
            shapes.append({"type": "rect", "points": [[x0, y0], [x1, y1]]})
            continue
        points = [p for k, p in enumerate(points) if p != points[k - 1]]
        if len(points) < 3 or _area(points) == 0:
            raise ValidationError(f"{where}是多边形，至少需要三个不在一条直线上的顶点。")
        # With y pointing down, a clockwise outline has a positive signed area.
        if _area(points) < 0:
            points.reverse()
        shapes.append({"type": "polygon", "points": points})
    return shapes


def rect_from_percent(left, top, width, height) -> dict | None:
    """Return the rectangle of a box given as percentages of the page (left, top, width, height)."""
    if None in (left, top, width, height) or "" in (left, top, width, height):
        return None
    x0, y0 = Decimal(str(left)) / 100, Decimal(str(top)) / 100
    x1, y1 = x0 + Decimal(str(width)) / 100, y0 + Decimal(str(height)) / 100
    return {"type": "rect", "points": [[float(x0), float(y0)], [float(min(x1, 1)), float(min(y1, 1))]]}


def bounding_box(shapes) -> tuple[float, float, float, float] | None:
    """Return (left, top, width, height) in page fractions around all ``shapes``."""
    xs = [x for s in shapes for x, _ in s["points"]]
    ys = [y for s in shapes for _, y in s["points"]]
    if not xs:
        return None
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def _pct(v: float) -> str:
    return f"{round(v * 100, 2):g}"


def svg_shapes(shapes) -> list[dict]:
    """Return ``shapes`` for drawing in an SVG whose viewBox is ``0 0 100 100``."""
    out = []
    for s in shapes:
        if s["type"] == "rect":
            (x0, y0), (x1, y1) = s["points"]
            out.append({"type": "rect", "x": _pct(x0), "y": _pct(y0), "width": _pct(x1 - x0), "height": _pct(y1 - y0)})
        else:
            out.append({"type": "polygon", "points": " ".join(f"{_pct(x)},{_pct(y)}" for x, y in s["points"])})
    return out
