"""Generated Chinese newspaper pages as PDFs, with every story's printed region known.

A page is laid out here, line by line, on a grid of columns: each story has
one or more rectangles of columns (an L-shaped story has two that touch, a
story split across the page has two apart), a kicker, headline and subtitle
over its first rectangle, a byline printed with spaced names (``记者 刘 飞``),
and a body that flows column by column until its rectangles are full. The
same layout is then written by a PDF producer:

- ``fpdf2`` with WenQuanYi Zen Hei: a TrueType CID font (CIDFontType2);
- ``fpdf2`` with Noto Serif/Sans CJK: CID-keyed CFF (CIDFontType0C);
- Chromium's ``page.pdf()`` drawing the same lines as SVG text, a producer
  nobody here wrote: Skia embeds WenQuanYi as CIDFontType2 and the
  OpenType/CFF Noto fonts as Type 3 fonts with a ToUnicode map.

What the stories' records hold differs from what is printed the way an
editor's text differs from the layout: full- and half-width punctuation,
names without the layout's spaces, full-width digits.

All text is invented from the word lists below; nothing comes from a real paper.
"""

import functools
import html
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, FloatObject, NameObject

WIDTH, HEIGHT = 842.0, 1191.0  # A3 in points, the proportions of a broadsheet page
MARGIN = 36.0
CONTENT_TOP, CONTENT_BOTTOM = 78.0, 1150.0
STORY_GAP = 12.0
# The em box of CJK type: 0.88 em above the baseline, 0.12 below.
ASCENT, DESCENT = 0.88, 0.12

WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
NOTO_SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
NOTO_SANS_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
# (file, face in the collection, CSS family for Chromium)
FONTS = {
    "truetype": {"body": (WQY, 0, "WenQuanYi Zen Hei"), "heading": (WQY, 0, "WenQuanYi Zen Hei")},
    "cff": {"body": (NOTO_SERIF, 2, "Noto Serif CJK SC"), "heading": (NOTO_SANS_BOLD, 2, "Noto Sans CJK SC")},
}
CLOSING = set("，。、；：！？）》”’,.;:!?)")

# Layouts: a grid of columns and stories, each a list of rectangles
# (first column, column after the last, top, bottom) with top and bottom as
# fractions of the content height. The first rectangle carries the heading.
LAYOUTS = {
    "classic": (
        6,
        [
            [(0, 4, 0.00, 0.34)],
            [(4, 6, 0.00, 0.50)],
            [(0, 4, 0.34, 0.55), (0, 2, 0.55, 0.80)],  # L-shaped
            [(2, 4, 0.55, 0.80)],
            [(4, 6, 0.50, 0.80)],
            [(0, 2, 0.80, 1.00), (4, 6, 0.80, 1.00)],  # two blocks, another story between
            [(2, 4, 0.80, 1.00)],
        ],
    ),
    "five": (
        5,
        [
            [(0, 3, 0.00, 0.42)],
            [(3, 5, 0.00, 0.28)],
            [(3, 5, 0.28, 0.62)],
            [(0, 3, 0.42, 0.62), (1, 3, 0.62, 1.00)],  # L-shaped, foot on the right
            [(0, 1, 0.62, 1.00)],
            [(3, 5, 0.62, 0.80)],
            [(3, 5, 0.80, 1.00)],
        ],
    ),
    "briefs": (
        7,
        [
            [(0, 5, 0.00, 0.30)],
            [(5, 7, 0.00, 0.60)],
            [(0, 2, 0.30, 0.60)],
            [(2, 5, 0.30, 0.60)],
            [(0, 7, 0.60, 0.75), (0, 3, 0.75, 1.00)],  # a wide L
            [(3, 5, 0.75, 1.00)],
            [(5, 7, 0.75, 0.86), (5, 7, 0.94, 1.00)],  # two blocks, one above the other
            [(5, 7, 0.86, 0.94)],
        ],
    ),
    "feature": (
        6,
        [
            [(0, 6, 0.00, 0.22)],
            [(0, 3, 0.22, 0.52), (0, 6, 0.52, 0.70)],  # an upside-down L
            [(3, 6, 0.22, 0.52)],
            [(0, 2, 0.70, 1.00)],
            [(2, 4, 0.70, 1.00)],
            [(4, 6, 0.70, 1.00)],
        ],
    ),
}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗"
GIVEN = ["飞", "晓明", "丽", "建国", "海燕", "磊", "静", "志强", "红梅", "伟", "秀英", "军", "婷", "国庆"]
SUBJECTS = ["市总工会", "区总工会", "公交集团工会", "机械厂工会", "纺织企业", "建筑工地", "环卫所", "职工服务中心"]
SUBJECTS += ["社区工会联合会", "女职工委员会", "劳模创新工作室", "新就业形态劳动者", "一线职工", "外卖骑手"]
VERBS = ["开展", "举办", "启动", "推进", "落实", "组织", "建成", "签订", "走访", "慰问", "发布", "完善"]
OBJECTS = ["技能竞赛", "法律援助进工地活动", "职工书屋", "工资集体协商", "安全生产月活动", "春送岗位招聘会"]
OBJECTS += ["困难职工帮扶", "暑期爱心托管班", "户外劳动者驿站", "职工疗休养", "心理健康讲座", "劳动合同普法"]
OBJECTS += ["岗位练兵", "师带徒结对", "夏送清凉慰问", "职工运动会", "创新成果展示", "农民工工资清欠"]
DETAILS = ["覆盖全市{n}个街道", "参与职工{n}余人", "共投入资金{n}万元", "累计服务{n}人次", "设立服务点{n}个"]
DETAILS += ["为{n}名职工解决实际困难", "收集意见建议{n}条", "评选出技术能手{n}名"]
OPENERS = ["今年以来，", "据介绍，", "记者了解到，", "近日，", "{m}月{d}日，", "截至目前，", "下一步，"]
QUOTES = ["“让职工少跑腿、好办事”", "“把服务送到家门口”", "“有困难找工会”", "“技能就是饭碗”"]
HEAD_ENDS = ["让职工暖心", "跑出加速度", "护航劳动者权益", "扎根一线", "惠及千家万户", "办到心坎上"]


@dataclass
class Line:
    """One line of type: left edge and baseline in points from the page's top left."""

    x: float
    baseline: float
    size: float
    role: str  # "body" or "heading"
    text: str

    @property
    def top(self) -> float:
        return self.baseline - ASCENT * self.size

    @property
    def bottom(self) -> float:
        return self.baseline + DESCENT * self.size


@dataclass
class Story:
    id: int
    kicker: str
    headline: str
    subtitle: str
    byline: str  # as the record holds it
    body: str  # as the record holds it: paragraphs separated by a newline
    rects: list  # the printed region: (x0, y0, x1, y1) in points, top left origin
    shape: str  # "rect", "polygon" (L-shaped) or "blocks" (two apart)
    printed: list = field(default_factory=list)  # what was printed, before the record's variations

    def record(self) -> dict:
        """Return the story as the matcher is given it."""
        return {
            "id": self.id,
            "kicker": self.kicker,
            "headline": self.headline,
            "subtitle": self.subtitle,
            "byline": self.byline,
            "body": self.body,
        }

    def edited_record(self, every: int = 20) -> dict:
        """Return the record as edited after layout: one character in ``every`` changed, a sentence added."""
        record = self.record()
        body = list(record["body"])
        for n in range(every // 2, len(body), every):
            if body[n] != "\n":
                body[n] = "改" if body[n] != "改" else "动"
        record["body"] = "".join(body) + "\n（本报记者补充：此段见报时删去。）"
        return record

    def region(self, width=WIDTH, height=HEIGHT) -> list:
        """Return the printed region as shapes in page fractions."""
        return [
            {"type": "rect", "points": [[x0 / width, y0 / height], [x1 / width, y1 / height]]}
            for x0, y0, x1, y1 in self.rects
        ]


@dataclass
class Page:
    code: str
    lines: list
    rules: list
    photos: list
    stories: list
    width: float = WIDTH
    height: float = HEIGHT


@functools.cache
def _metrics(path: str, index: int):
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"].metrics
    upem = font["head"].unitsPerEm
    return {cp: hmtx[name][0] / upem for cp, name in cmap.items()}


def text_width(text: str, size: float, font: tuple) -> float:
    widths = _metrics(font[0], font[1])
    return sum(widths.get(ord(ch), 1.0) for ch in text) * size


class _Writer:
    """Invented text for one page, reproducible from its seed."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used = set()

    def name(self) -> tuple[str, str]:
        surname, given = self.rng.choice(SURNAMES), self.rng.choice(GIVEN)
        return surname + given, surname + " " + " ".join(given)

    def number(self) -> str:
        return str(self.rng.randint(3, 3000))

    def sentence(self) -> str:
        rng = self.rng
        opener = rng.choice(OPENERS).format(m=rng.randint(1, 12), d=rng.randint(1, 28))
        text = f"{opener}{rng.choice(SUBJECTS)}{rng.choice(VERBS)}{rng.choice(OBJECTS)}"
        text += "，" + rng.choice(DETAILS).format(n=self.number())
        if rng.random() < 0.3:
            text += "，" + rng.choice(QUOTES) + "的做法受到好评"
        if rng.random() < 0.25:
            _, spaced = self.name()
            text += f"（{rng.choice(['车间主任', '工会主席', '技术员', '骑手'])}{spaced}说）"
        if rng.random() < 0.2:
            text += "；" + rng.choice(SUBJECTS) + rng.choice(VERBS) + rng.choice(OBJECTS)
        return text + "。"

    def paragraph(self) -> str:
        return "".join(self.sentence() for _ in range(self.rng.randint(2, 4)))

    def headline(self) -> str:
        """Return a headline no other story on the page has."""
        while True:
            text = self.rng.choice(OBJECTS) + self.rng.choice(HEAD_ENDS)
            if text not in self.used:
                self.used.add(text)
                return text


def _as_recorded(printed: str, rng: random.Random) -> str:
    """Return ``printed`` as an editor's record might hold it."""
    out = []
    for ch in printed:
        r = rng.random()
        if ch == "，" and r < 0.3:
            ch = ","
        elif ch == "（" and r < 0.5:
            ch = "("
        elif ch == "）" and r < 0.5:
            ch = ")"
        elif ch in "“”" and r < 0.3:
            ch = '"'
        elif ch.isdigit() and ch.isascii() and r < 0.3:
            ch = chr(ord(ch) - ord("0") + ord("０"))
        out.append(ch)
    return "".join(out)


def _unspaced(text: str) -> str:
    """Drop the spaces the layout puts inside names (刘 飞 → 刘飞)."""
    return "".join(ch for i, ch in enumerate(text) if ch != " " or not _cjk_around(text, i))


def _cjk_around(text, i):
    return 0 < i < len(text) - 1 and ord(text[i - 1]) > 0x2E80 and ord(text[i + 1]) > 0x2E80


def lay_out(layout: str = "classic", *, seed: int = 0, font: str = "cff", code: str = "A01") -> Page:
    """Lay out one page; return its lines, rules and stories with their regions."""
    rng = random.Random(f"{layout}-{seed}-{font}")
    writer = _Writer(rng)
    fonts = FONTS[font]
    columns, stories = LAYOUTS[layout]
    body_size = rng.choice([9.0, 9.5, 10.0])
    leading = body_size * rng.choice([1.5, 1.6])
    chars = int((WIDTH - 2 * MARGIN - (columns - 1) * 10) / columns / body_size)
    col_width = chars * body_size
    gutter = (WIDTH - 2 * MARGIN - columns * col_width) / (columns - 1)

    def col_x(c):
        return MARGIN + c * (col_width + gutter)

    height = CONTENT_BOTTOM - CONTENT_TOP
    lines = [
        Line(MARGIN, 56, 14, "heading", f"{code} 要闻"),
        Line(WIDTH - MARGIN - 180, 56, 10, "body", "2026年12月1日 星期二"),
        Line(MARGIN, 1176, 8, "body", f"责任编辑：{writer.name()[1]}  版式：{writer.name()[1]}"),
    ]
    rules = [(MARGIN, 66, WIDTH - MARGIN, 66), (MARGIN, 1160, WIDTH - MARGIN, 1160)]
    photos = []
    page_stories = []
    for number, spec in enumerate(stories, start=1):
        boxes = []
        for c0, c1, t, b in spec:
            touching_above = any(b2 == t and c0 < d1 and d0 < c1 for d0, d1, _, b2 in spec)
            touching_below = any(t2 == b and c0 < d1 and d0 < c1 for d0, d1, t2, _ in spec)
            y0 = CONTENT_TOP + t * height + (0 if t == 0 or touching_above else STORY_GAP / 2)
            y1 = CONTENT_TOP + b * height - (0 if b == 1 or touching_below else STORY_GAP / 2)
            boxes.append((c0, c1, y0, y1))
            if not touching_below and b < 1:
                rules.append((col_x(c0), y1 + STORY_GAP / 2, col_x(c1 - 1) + col_width, y1 + STORY_GAP / 2))
        story = _lay_out_story(
            number, boxes, writer, fonts, body_size, leading, col_x, col_width, lines, photos, rng, big=number == 1
        )
        shape = "rect" if len(spec) == 1 else ("polygon" if _touching(spec) else "blocks")
        story.shape = shape
        page_stories.append(story)
    return Page(code=code, lines=lines, rules=rules, photos=photos, stories=page_stories)


def _touching(spec) -> bool:
    return any(b == t2 and c0 < d1 and d0 < c1 for c0, c1, _, b in spec for d0, d1, t2, _ in spec)


def _lay_out_story(number, boxes, writer, fonts, body_size, leading, col_x, col_width, lines, photos, rng, big):
    heading, body = fonts["heading"], fonts["body"]
    c0, c1, y0, _ = boxes[0]
    width = col_x(c1 - 1) + col_width - col_x(c0)
    printed_lines = []

    def put(x, baseline, size, role, text):
        line = Line(x, baseline, size, role, text)
        lines.append(line)
        printed_lines.append(line)
        return line

    kicker = writer.rng.choice(SUBJECTS) + "多措并举" if rng.random() < 0.5 else ""
    headline = writer.headline()
    subtitle = "——" + writer.rng.choice(OBJECTS) + "侧记" if rng.random() < 0.4 else ""
    y = y0
    first_top = None
    if kicker:
        size = 12
        line = put(col_x(c0), y + ASCENT * size, size, "heading", kicker)
        first_top = line.top
        y = line.bottom + 4
    size = min(32 if big else 22, width / max(1, len(headline)) * 0.98)
    size = max(size, 16)
    for part in _wrap(headline, size, heading, width):
        line = put(col_x(c0) + (width - text_width(part, size, heading)) / 2, y + ASCENT * size, size, "heading", part)
        first_top = line.top if first_top is None else first_top
        y = line.bottom + 4
    if subtitle:
        size = 13
        line = put(
            col_x(c0) + (width - text_width(subtitle, size, heading)) / 2, y + ASCENT * size, size, "heading", subtitle
        )
        y = line.bottom + 4
    y += 6
    # The lead story has a photo, as tall as leaves room for six lines of body under it.
    photo = min(140.0, boxes[0][3] - y - 6 * leading - 20)
    if big and photo >= 40:
        photos.append((col_x(c0), y, col_x(c1 - 1) + col_width, y + photo))
        caption = f"图为{writer.rng.choice(SUBJECTS)}{writer.rng.choice(OBJECTS)}现场。"
        y += photo + 3
        put(col_x(c0), y + ASCENT * 8, 8, "body", caption)
        y += 8 + 6

    named, spaced = writer.name()
    role = writer.rng.choice(["本报记者", "记者", "通讯员"])
    byline_printed = f"{role} {spaced}"
    paragraphs_printed = []
    stream = _Flow(writer)
    bottoms = {}
    first = True
    # The second story of a page has a photo set into its last column, the text running above and below it.
    inset = None
    first_cols, last_bottom = boxes[0][1] - boxes[0][0], boxes[0][3]
    if number == 2 and first_cols >= 2 and last_bottom - y > 300:
        top = y + (last_bottom - y) / 3
        column = boxes[0][1] - 1
        inset = (column, top, top + 110)
        photos.append((col_x(column), top, col_x(column) + col_width, top + 110))
    for index, (b0, b1, by0, by1) in enumerate(boxes):
        for c in range(b0, b1):
            baseline = (y if index == 0 else by0) + ASCENT * body_size
            while baseline + DESCENT * body_size <= by1:
                if index == 0 and inset and c == inset[0] and baseline + leading > inset[1] and baseline < inset[2]:
                    baseline = max(baseline + leading, inset[2] + 6 + ASCENT * body_size)
                    continue
                x = col_x(c)
                if first:
                    text = byline_printed
                    first = False
                else:
                    indent, text = stream.line(col_width, body_size, body)
                    x += indent
                put(x, baseline, body_size, "body", text)
                bottoms[index] = max(bottoms.get(index, 0), baseline + DESCENT * body_size)
                baseline += leading
    paragraphs_printed = stream.paragraphs()
    rects = []
    for index, (b0, b1, by0, _) in enumerate(boxes):
        top = first_top if index == 0 else by0
        rects.append((col_x(b0), top, col_x(b1 - 1) + col_width, bottoms[index]))
    record_body = "\n".join(_unspaced(_as_recorded(p, rng)) for p in paragraphs_printed)
    return Story(
        id=number,
        kicker=kicker,
        headline=headline,
        subtitle=subtitle,
        byline=f"{role} {named}",
        body=record_body,
        rects=rects,
        shape="rect",
        printed=printed_lines,
    )


def _wrap(text, size, font, width):
    parts, current = [], ""
    for ch in text:
        if current and text_width(current + ch, size, font) > width:
            parts.append(current)
            current = ""
        current += ch
    return [*parts, current] if current else parts


class _Flow:
    """Paragraphs broken into lines as they are needed."""

    def __init__(self, writer):
        self.writer = writer
        self.done = []
        self.current = ""
        self.pos = 0

    def line(self, width, size, font) -> tuple[float, str]:
        if self.pos >= len(self.current):
            if self.current:
                self.done.append(self.current)
            self.current, self.pos = self.writer.paragraph(), 0
        while 0 < self.pos < len(self.current) and self.current[self.pos] == " ":
            self.pos += 1  # a space where a line breaks is not printed
        indent = 2 * size if self.pos == 0 else 0.0
        room = width - indent
        end = self.pos
        used = 0.0
        while end < len(self.current):
            w = text_width(self.current[end], size, font)
            if used + w > room + 0.01:
                break
            used += w
            end += 1
        # A closing mark never starts a line: one hangs at the end of this
        # line; where more follow, the last character moves down with them.
        if end < len(self.current) and self.current[end] in CLOSING:
            end += 1
        while end < len(self.current) and self.current[end] in CLOSING and end > self.pos + 1:
            end -= 1
        text = self.current[self.pos : end]
        self.pos = end
        return indent, text

    def paragraphs(self) -> list[str]:
        out = list(self.done)
        if self.current[: self.pos]:
            out.append(self.current[: self.pos])
        return out


# --- producers -----------------------------------------------------------------


def write_fpdf2(page: Page, font: str = "cff") -> bytes:
    """Write ``page`` with fpdf2, embedding the fonts of ``font`` ("cff" or "truetype")."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(page.width, page.height))
    pdf.set_auto_page_break(False)
    for role, (path, index, _) in FONTS[font].items():
        pdf.add_font(role, fname=path, collection_font_number=index)
    pdf.add_page()
    pdf.set_draw_color(60, 60, 60)
    pdf.set_line_width(0.6)
    for x0, y0, x1, y1 in page.rules:
        pdf.line(x0, y0, x1, y1)
    pdf.set_fill_color(180, 185, 190)
    for x0, y0, x1, y1 in page.photos:
        pdf.rect(x0, y0, x1 - x0, y1 - y0, style="F")
    for line in page.lines:
        pdf.set_font(line.role, size=line.size)
        pdf.text(line.x, line.baseline, line.text)
    return bytes(pdf.output())


def page_html(page: Page, font: str = "cff") -> str:
    """Return the page as one SVG in HTML, every line a text element at its baseline."""
    families = {role: spec[2] for role, spec in FONTS[font].items()}
    out = [
        "<!doctype html><meta charset=utf-8><style>",
        f"@page {{ size: {page.width:g}pt {page.height:g}pt; margin: 0 }}",
        "html, body { margin: 0 } svg { display: block } text { font-kerning: none; white-space: pre }",
        "</style>",
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{page.width}pt" height="{page.height}pt"'
        f' viewBox="0 0 {page.width} {page.height}">',
    ]
    for x0, y0, x1, y1 in page.rules:
        out.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="#333" stroke-width="0.6"/>')
    for x0, y0, x1, y1 in page.photos:
        out.append(f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="#b4b9be"/>')
    for line in page.lines:
        weight = "bold" if line.role == "heading" and font == "cff" else "normal"
        out.append(
            f'<text x="{line.x:.3f}" y="{line.baseline:.3f}" font-size="{line.size}"'
            f' font-family="{families[line.role]}" font-weight="{weight}">{html.escape(line.text)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def write_chromium(page: Page, browser, font: str = "cff") -> bytes:
    """Write ``page`` with Chromium's print to PDF (``browser`` is a Playwright browser)."""
    tab = browser.new_page()
    try:
        tab.set_content(page_html(page, font))
        return tab.pdf(width=f"{page.width / 72:.4f}in", height=f"{page.height / 72:.4f}in", print_background=True)
    finally:
        tab.close()


def page_pdf(layout="classic", *, seed=0, font="cff", producer="fpdf2", browser=None, code="A01"):
    """Return (PDF bytes, Page) of one generated page."""
    page = lay_out(layout, seed=seed, font=font, code=code)
    if producer == "chromium":
        return write_chromium(page, browser, font), page
    return write_fpdf2(page, font), page


def save(path: Path, **kwargs) -> "Page":
    data, page = page_pdf(**kwargs)
    Path(path).write_bytes(data)
    return page


@functools.cache
def cached_page_pdf(layout, font, seed):
    """Return ``page_pdf(layout, font=font, seed=seed)``, made once per test run (embedding fonts takes seconds)."""
    return page_pdf(layout, font=font, seed=seed)


def transformed(data: bytes, *, rotate=0, crop=None) -> bytes:
    """Return the one-page PDF ``data`` turned by ``rotate`` degrees and cut to the box ``crop``."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    page = writer.pages[0]
    if rotate:
        page.rotate(rotate)
    if crop:
        page[NameObject("/CropBox")] = ArrayObject([FloatObject(v) for v in crop])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
