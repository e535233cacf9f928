"""Read scraped e-paper text into articles (pure Python, no Django).

Grammar
=======

Every line (stripped of surrounding white space) is first given one class:

``MASTHEAD``  ``职工天地 2023年01月01日 星期日`` – paper name, date, optional weekday.
``CITATION``  ``《职工天地》(2023年01月01日 第A34版)`` – paper, date and page code
              (``A34``, ``A03``, ``第3版``, ``03``; full- or half-width brackets).
``BYLINE``    a short line (no sentence punctuation) that begins with a role
              such as 文, 本报记者, 通讯员, 文/图 (``articles.bylines.ROLES``).
``BLANK``     an empty line.
``TEXT``      anything else.

A file is then read by a small state machine::

    file     := prelude article+
    prelude  := (BYLINE | TEXT | BLANK)*      the copy the scrape shows before the masthead
    article  := MASTHEAD heading CITATION section
    heading  := TEXT{1,3}                     headline line, optional kicker / subtitle
    section  := (BYLINE | TEXT | BLANK)*      up to the next MASTHEAD or the end

States: ``PRELUDE`` → (MASTHEAD) → ``HEADING`` → (CITATION) → ``SECTION`` →
(MASTHEAD) → ``HEADING`` …  Anything else is an error naming the line.

Body and byline of an article come from its section; when the section is
empty (the scrape printed the body only once, before the masthead), the
prelude is used instead. When both hold text the scrape repeated the body and
it is kept once (the section's copy; a prelude that differs is reported in
``Article.warnings``). The byline is the first non-blank line of that block
when it is a BYLINE; every other non-blank line is a body paragraph.

Heading: lines starting with a dash (``——``) are the subtitle. One remaining
line is the headline line, split by :func:`split_kicker`; two are kicker and
headline.

Dates: a masthead or citation date must exist and lie in :data:`DATE_RANGE`
— not before 1949-01-01 and not more than a year after today. An OCR slip
such as ``0001年01月01日`` is then an error naming the date and its line, not
an issue dated the year 1.

Kicker rule (:func:`split_kicker`): the scrape runs the kicker and headline
together, ``全面学习 全面把握 全面落实推动…落地见效``. The kicker is taken to be
parallel phrases of equal length separated by spaces. The line is split only
when at least two space-separated phrases come before the last one, all of
the same length ``n``, and the last part is longer than ``n + 3``; then the
kicker is those phrases plus the first ``n`` characters of the last part, and
the headline is the rest. Otherwise the whole line is the headline and the
kicker is empty, so nothing is ever lost.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import json
import re
import unicodedata
from dataclasses import dataclass, field, fields

from articles.bylines import ROLES  # pure Python too: the roles parse_byline knows

_ROLE_RE = re.compile("^(?P<role>" + "|".join(re.escape(r) for r in sorted(ROLES, key=len, reverse=True)) + ")")
_SENTENCE_PUNCT = re.compile(r"[。！？；!?;，,“”\"]")
_DATE = r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
_MASTHEAD_TEMPLATE = r"^(?P<paper>{papers})\s*{date}(?:\s*(?P<weekday>(?:星期|周)[一二三四五六日天]))?$"
DEFAULT_PAPERS = ("职工天地",)
_CITATION_RE = re.compile(
    rf"^《(?P<paper>[^》]+)》\s*[(（]\s*{_DATE}\s*(?P<page>第?\s*[A-Za-z]*\d+[A-Za-z]*\s*版?)\s*[)）]$"
)
# Lines shaped like a citation or a masthead, for saying which part of one is wrong.
_CITATION_LIKE = re.compile(r"^《(?P<paper>[^》]+)》\s*(?P<open>[(（])?(?P<inside>.*?)(?P<close>[)）])?$")
# A masthead under any name (a word, a date, maybe a weekday). Only where the
# grammar puts a masthead, 1 to 3 heading lines above a citation, is such a
# line taken for one: "截至 2023年03月01日" elsewhere in a body stays text.
_MASTHEAD_SHAPE = re.compile(
    rf"^(?P<paper>[^\s\d《》<>()（）\[\]【】:：,，.。、;；!！?？\"“”]{{2,20}})\s*{_DATE}"
    r"(?:\s*(?:星期|周)[一二三四五六日天])?$"
)
_PAGE_PART = re.compile(r"第?\s*[A-Za-z]*\d+[A-Za-z]*\s*版?")
_WEEKDAY_PART = re.compile(r"(?:星期|周)[一二三四五六日天]")
_DASHES = ("——", "--", "—", "──", "－－")
MAX_BYLINE_CHARS = 80
_WEEKDAYS = "一二三四五六日"
# The dates an issue of this paper can have: none before 1949-01-01, and none
# more than a year after today (an issue is made up days, not years, ahead).
# A date outside is a misread (0001年01月01日, 2203年…), refused with its line.
DATE_RANGE = (datetime.date(1949, 1, 1), datetime.timedelta(days=366))
_SPACES = re.compile(r"\s+")


class ParseError(ValueError):
    """A file that does not follow the grammar; ``line`` is 1-based."""

    def __init__(self, line: int, reason: str):
        super().__init__(f"第 {line} 行：{reason}")
        self.line = line
        self.reason = reason


@dataclass
class ParsedArticle:
    """One article read from a file; ``ordinal`` counts from 1 within the file."""

    ordinal: int
    line: int
    paper: str
    date: datetime.date
    page_code: str
    kicker: str
    headline: str
    subtitle: str
    byline: str
    paragraphs: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def body_html(self) -> str:
        """Return the paragraphs as ``<p>`` elements, text HTML-escaped."""
        return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in self.paragraphs)

    @property
    def checksum(self) -> str:
        """Return a sha256 of everything the import writes, to detect changes."""
        data = {name: getattr(self, name) for name in _CHECKSUM_FIELDS}
        data["date"] = self.date.isoformat()
        return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


# Every field but the line number and the warnings (what is written, not how it was read).
_CHECKSUM_FIELDS = tuple(f.name for f in fields(ParsedArticle) if f.name not in ("line", "warnings"))


@dataclass
class _Line:
    number: int
    text: str
    kind: str
    match: re.Match | None = None


def _clean(text: str) -> str:
    return text.replace("\u200b", "").replace("\ufeff", "").strip()


def _fold(text: str) -> str:
    # For recognising lines only: NFKC folds full-width letters and digits (Ａ３４)
    # and ideographic spaces. Stored text keeps its own punctuation (，not ,).
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text))


def _single_spaced(text: str) -> str:
    return _SPACES.sub(" ", text)


def is_byline(text: str) -> bool:
    """Return True for a short line that starts with a byline role and is not a sentence."""
    m = _ROLE_RE.match(text)
    if not m or len(text) > MAX_BYLINE_CHARS or _SENTENCE_PUNCT.search(text):
        return False
    rest = text[len(m["role"]) :]
    # 文, 图 and 摄 may begin an ordinary word (文化, 图片), so they must stand alone.
    return len(m["role"]) > 1 or not rest or rest[0] == " "


def masthead_re(papers=DEFAULT_PAPERS) -> re.Pattern:
    """Return the masthead pattern for the given paper names."""
    names = "|".join(re.escape(p) for p in papers)
    return re.compile(_MASTHEAD_TEMPLATE.format(papers=names, date=_DATE))


def classify(text: str, masthead: re.Pattern | None = None) -> tuple[str, re.Match | None]:
    """Return the class of one cleaned line and its match, if any."""
    if not text:
        return "BLANK", None
    if m := (masthead or masthead_re()).match(text):
        return "MASTHEAD", m
    if m := _CITATION_RE.match(text):
        return "CITATION", m
    if is_byline(text):
        return "BYLINE", None
    return "TEXT", None


def date_range(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """Return the first and last date an issue may have (:data:`DATE_RANGE`), as of ``today``."""
    earliest, ahead = DATE_RANGE
    return earliest, (today or datetime.date.today()) + ahead


def date_out_of_range(date: datetime.date, written: str | None = None) -> str | None:
    """Return why ``date`` cannot be an issue's date (in Chinese), or None when it can.

    ``written`` is the date as the file wrote it, shown in the message.
    """
    earliest, latest = date_range()
    if earliest <= date <= latest:
        return None
    return (
        f"日期 {written or date.isoformat()} 不在本报可能的出版日期范围内"
        f"（{earliest.isoformat()} 至 {latest.isoformat()}），可能是识别错误，请核对原报"
    )


def _date(m: re.Match, line: int) -> datetime.date:
    written = f"{m['y']}年{m['m']}月{m['d']}日"
    try:
        date = datetime.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        raise ParseError(line, f"日期不存在：{written}") from None
    if reason := date_out_of_range(date, written):
        raise ParseError(line, reason)
    return date


def citation_problem(text: str) -> str | None:
    """Return which part of a line shaped like a citation is wrong, or None if it is not one.

    ``《职工天地》(2023年01月01日 第第3版版)`` is a citation whose page code is wrong.
    """
    m = _CITATION_LIKE.match(_fold(text))
    if not m or _CITATION_RE.match(_fold(text)):
        return None
    inside = m["inside"].strip()
    date = re.match(_DATE, inside)
    bracketed = m["open"] and m["close"]
    if not bracketed and not date:
        return None  # a title in 《》 followed by words: a heading, not a citation
    if not date:
        return (
            f"出处行“{text}”的日期无法识别：日期应写成 2023年01月01日，后接版次，如《职工天地》(2023年01月01日 第A34版)"
        )
    page = inside[date.end() :].strip()
    if not page:
        return f"出处行“{text}”缺少版次：日期后应接版次，如“第A34版”"
    if not _PAGE_PART.fullmatch(page):
        return f"出处行“{text}”的版次“{page}”无效：应为版序字母加版号，如“第A34版”“第03版”"
    if not bracketed:
        missing = "右括号“)”" if m["open"] else "左括号“(”" if m["close"] else "括号"
        return f"出处行“{text}”缺少{missing}：日期和版次应在括号内，如《职工天地》(2023年01月01日 第A34版)"
    return None


def masthead_problem(text: str, papers=DEFAULT_PAPERS) -> str | None:
    """Return which part of a line shaped like a masthead is wrong, or None if it is not one."""
    folded = _fold(text)
    paper = next((p for p in papers if folded.startswith(p)), None)
    if paper is None or masthead_re(papers).match(folded):
        return None
    rest = folded[len(paper) :].strip()
    if not re.match(r"\d", rest) or "年" not in rest or len(rest) > 30:
        return None  # a sentence that begins with the paper's name
    date = re.match(_DATE, rest)
    if not date:
        return f"报头行“{text}”的日期无法识别：应为“{paper} 2023年01月01日 星期日”"
    after = rest[date.end() :].strip()
    if not _WEEKDAY_PART.fullmatch(after):
        return f"报头行“{text}”日期后的“{after}”不是星期：应为星期一至星期日，或不写"
    return None


def wrong_paper(kind: str, text: str, found: str, expected: str) -> str:
    """Return the message for a masthead or citation line that names another paper than ``expected``."""
    return (
        f"{kind}“{text}”的报名是“{found}”，不是本报“{expected}”："
        f"只导入《{expected}》的稿件（本报报名见设置 PAPER_NAME）"
    )


def _masthead_of_another_paper(before: list[_Line], papers) -> None:
    """Raise for the line where the masthead of the citation below belongs if it is one of another paper.

    That line is 1 to 3 heading lines above the citation; ``before`` are the
    lines above it, nearest last.
    """
    shown = [ln for ln in before if ln.kind != "BLANK"]
    for candidate in reversed(shown[-4:-1]):
        if (m := _MASTHEAD_SHAPE.match(_fold(candidate.text))) and m["paper"] not in papers:
            raise ParseError(candidate.number, wrong_paper("报头行", candidate.text, m["paper"], papers[0]))


def _first_problem(lines, check) -> None:
    for ln in lines:
        if problem := check(ln.text):
            raise ParseError(ln.number, problem)


def normalize_code(raw: str) -> str:
    """Return a page code without 第/版 and spaces, upper-cased (``第3版`` → ``3``)."""
    code = raw.replace(" ", "").upper()
    return code.removeprefix("第").removesuffix("版")


def split_kicker(line: str) -> tuple[str, str]:
    """Split a run-together heading line into (kicker, headline); see the module docstring."""
    parts = line.split(" ")
    if len(parts) >= 3:
        *phrases, last = parts
        n = len(phrases[0])
        if all(len(p) == n for p in phrases) and len(last) > n + 3:
            return " ".join([*phrases, last[:n]]), last[n:]
    return "", line


def _heading(lines: list[_Line], masthead: _Line) -> tuple[str, str, str]:
    if not lines:
        raise ParseError(masthead.number, "报头行后缺少标题行")
    subtitle_lines = [ln for ln in lines if ln.text.startswith(_DASHES)]
    title_lines = [ln for ln in lines if ln not in subtitle_lines]
    subtitle = " ".join(_single_spaced(ln.text.lstrip("—-─－ ").strip()) for ln in subtitle_lines)
    if len(lines) > 3 or len(title_lines) > 2 or not title_lines:
        raise ParseError(lines[0].number, f"无法识别标题：报头行与出处行之间有 {len(lines)} 行，应为 1 至 3 行")
    if len(title_lines) == 2:
        return _single_spaced(title_lines[0].text), _single_spaced(title_lines[1].text), subtitle
    kicker, headline = split_kicker(_single_spaced(title_lines[0].text))
    return kicker, headline, subtitle


def _content(lines: list[_Line]) -> tuple[str, list[str]]:
    body = [ln for ln in lines if ln.kind != "BLANK"]
    byline = ""
    if body and body[0].kind == "BYLINE":
        byline = _single_spaced(body.pop(0).text)
    return byline, [ln.text for ln in body]


def first_date(text: str, papers=DEFAULT_PAPERS) -> datetime.date | None:
    """Return the date of the first masthead in ``text`` as :func:`parse` reads it, or None.

    Reads lines only up to that masthead: enough to tell which issue a file
    belongs to without parsing all of it.
    """
    masthead_pattern = masthead_re(papers)
    for number, raw in enumerate(text.splitlines(), start=1):
        cleaned = _clean(raw)
        if cleaned and (m := masthead_pattern.match(_fold(cleaned))):
            try:
                return _date(m, number)
            except ParseError:
                return None
    return None


def parse(text: str, papers=DEFAULT_PAPERS) -> list[ParsedArticle]:
    """Return the articles in ``text`` (a whole decoded file), or raise ParseError.

    ``papers`` are the paper names a masthead may carry, the paper's own
    first; only they make a masthead, so a body line such as
    ``截至 2023年01月01日`` stays text. A citation must name its masthead's
    paper; a masthead or citation of another paper is an error naming both
    names.
    """
    masthead_pattern = masthead_re(papers)

    def masthead(text):
        return masthead_problem(text, papers)

    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        cleaned = _clean(raw)
        kind, match = classify(_fold(cleaned), masthead_pattern)
        lines.append(_Line(number, cleaned, kind, match))

    prelude: list[_Line] = []
    blocks: list[dict] = []  # one per article: masthead, heading lines, citation, section lines
    state = "PRELUDE"
    for ln in lines:
        if ln.kind == "MASTHEAD":
            if state == "HEADING":
                _first_problem(blocks[-1]["heading"], citation_problem)
                raise ParseError(ln.number, "上一个报头行之后没有出处行（如《职工天地》(2023年01月01日 第A34版)）")
            blocks.append({"masthead": ln, "heading": [], "citation": None, "section": []})
            state = "HEADING"
        elif ln.kind == "CITATION":
            cited_paper = ln.match["paper"]
            if state != "HEADING":
                before = blocks[-1]["section"] if blocks else prelude
                _first_problem(reversed(before), masthead)
                _masthead_of_another_paper(before, papers)
                if cited_paper not in papers:
                    raise ParseError(ln.number, wrong_paper("出处行", ln.text, cited_paper, papers[0]))
                raise ParseError(ln.number, "出处行前缺少报头行（如“职工天地 2023年01月01日 星期日”）")
            if cited_paper != (expected := blocks[-1]["masthead"].match["paper"]):
                raise ParseError(ln.number, wrong_paper("出处行", ln.text, cited_paper, expected))
            blocks[-1]["citation"] = ln
            state = "SECTION"
        elif state == "PRELUDE":
            prelude.append(ln)
        elif state == "HEADING":
            if ln.kind != "BLANK":
                blocks[-1]["heading"].append(ln)
        else:
            blocks[-1]["section"].append(ln)
    if not blocks:
        _first_problem(lines, masthead)
        last = next((ln.number for ln in reversed(lines) if ln.kind != "BLANK"), 1)
        raise ParseError(last, "找不到报头行（如“职工天地 2023年01月01日 星期日”），不是可导入的稿件文件")
    if state == "HEADING":
        _first_problem(blocks[-1]["heading"], citation_problem)
        m = blocks[-1]["masthead"]
        raise ParseError(m.number, "报头行之后直到文件结尾都没有出处行")

    articles = []
    for ordinal, block in enumerate(blocks, start=1):
        masthead, citation = block["masthead"], block["citation"]
        date = _date(masthead.match, masthead.number)
        cited = _date(citation.match, citation.number)
        if cited != date:
            raise ParseError(citation.number, f"出处行日期 {cited.isoformat()} 与报头日期 {date.isoformat()} 不一致")
        weekday = masthead.match["weekday"]
        warnings = []
        if weekday and weekday[-1] not in ("日天" if date.weekday() == 6 else _WEEKDAYS[date.weekday()]):
            warnings.append(f"第 {masthead.number} 行：报头星期（{weekday}）与日期不符，以日期为准")
        kicker, headline, subtitle = _heading(block["heading"], masthead)
        byline, paragraphs = _content(block["section"])
        if ordinal == 1:
            pre_byline, pre_paragraphs = _content(prelude)
            if not paragraphs and not byline:
                byline, paragraphs = pre_byline, pre_paragraphs
            elif pre_paragraphs and (pre_paragraphs, pre_byline) != (paragraphs, byline):
                warnings.append("报头前的正文与出处行后的正文不同；保留出处行后的正文")
        if not paragraphs:
            raise ParseError(citation.number, "出处行之后（或报头之前）没有正文")
        articles.append(
            ParsedArticle(
                ordinal=ordinal,
                line=masthead.number,
                paper=masthead.match["paper"],
                date=date,
                page_code=normalize_code(citation.match["page"]),
                kicker=kicker,
                headline=headline,
                subtitle=subtitle,
                byline=byline,
                paragraphs=paragraphs,
                warnings=warnings,
            )
        )
    return articles
