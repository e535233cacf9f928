"""Draw demo page scans whose article blocks match the articles' areas."""

import io
import os
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1000, 1440
MARGIN = 40
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]


@dataclass
class Block:
    """An article's block on the page, in pixels."""

    left: int
    top: int
    width: int
    height: int

    def as_area(self) -> dict:
        """Return the block as the article's hot area (one rectangle in page fractions)."""
        corners = [
            [self.left / WIDTH, self.top / HEIGHT],
            [(self.left + self.width) / WIDTH, (self.top + self.height) / HEIGHT],
        ]
        return {"hot_areas": [{"type": "rect", "points": [[round(v, 4) for v in p] for p in corners]}]}


def _font(size: int):
    for path in FONT_CANDIDATES:
        if os.path.exists(path):
            return ImageFont.truetype(path, size)
    # Without a CJK font the text cannot be drawn; grey bars stand in for it.
    return None


def _text(draw, xy, text, size, fill="#111"):
    font = _font(size)
    if font is None:
        x, y = xy
        draw.rectangle([x, y + 4, x + min(len(text), 24) * size, y + size], fill="#888")
        return
    draw.text(xy, text, font=font, fill=fill)


def layout(article_weights: list[int], *, front_page: bool) -> list[Block]:
    """Stack article blocks down the page, each as tall as its weight."""
    top = 250 if front_page else 150
    usable = HEIGHT - top - MARGIN
    gap = 24
    total = sum(article_weights) or 1
    blocks, y = [], top
    for weight in article_weights:
        height = int((usable - gap * (len(article_weights) - 1)) * weight / total)
        blocks.append(Block(MARGIN, y, WIDTH - 2 * MARGIN, height))
        y += height + gap
    return blocks


def draw_page(*, paper: str, date_text: str, code: str, name: str, articles: list, blocks: list[Block]) -> bytes:
    """Return a PNG of the page with a block per article."""
    img = Image.new("RGB", (WIDTH, HEIGHT), "#fbfaf6")
    draw = ImageDraw.Draw(img)
    if blocks and blocks[0].top >= 250:
        _text(draw, (MARGIN, 40), paper, 96, fill="#b3001b")
        _text(draw, (MARGIN, 170), f"{date_text}  第{code}版  {name}", 26)
        draw.line([MARGIN, 225, WIDTH - MARGIN, 225], fill="#b3001b", width=4)
    else:
        _text(draw, (MARGIN, 50), f"{paper}  {date_text}", 26)
        label = f"第{code}版 {name}"
        font = _font(34)
        label_width = draw.textlength(label, font=font) if font else 34 * len(label)
        _text(draw, (WIDTH - MARGIN - label_width, 40), label, 34, fill="#b3001b")
        draw.line([MARGIN, 120, WIDTH - MARGIN, 120], fill="#b3001b", width=3)
    for article, block in zip(articles, blocks, strict=False):
        x, y = block.left, block.top
        draw.rectangle([x, y, x + block.width, y + block.height], outline="#ccc", width=2)
        inner = x + 20
        cursor = y + 16
        if article["kicker"]:
            _text(draw, (inner, cursor), article["kicker"][:30], 22, fill="#555")
            cursor += 34
        _text(draw, (inner, cursor), article["headline"][:22], 40)
        cursor += 60
        if article["subtitle"]:
            _text(draw, (inner, cursor), article["subtitle"][:34], 22, fill="#555")
            cursor += 34
        _text(draw, (inner, cursor), article["byline"][:40], 18, fill="#333")
        cursor += 34
        per_line = (block.width - 40) // 19
        lines = []
        for paragraph in article.get("paragraphs", []):
            text = "\u3000\u3000" + paragraph
            lines += [text[i : i + per_line] for i in range(0, len(text), per_line)]
        for line in lines:
            if cursor > y + block.height - 30:
                break
            _text(draw, (inner, cursor), line, 19, fill="#444")
            cursor += 28
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def png_to_pdf(png: bytes) -> bytes:
    """Return a one-page PDF of the image (Pillow writes PDF itself)."""
    with Image.open(io.BytesIO(png)) as img:
        out = io.BytesIO()
        img.convert("RGB").save(out, "PDF", resolution=120.0)
        return out.getvalue()
