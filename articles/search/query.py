"""Read what the reader typed: terms that must all occur, phrases, exclusions.

``法律援助 职代会`` both terms; ``"职工 书屋"`` a phrase (kept whole, spaces
between Han characters dropped like everywhere else); ``-培训`` excludes.
A term is matched as a substring of the normalized text (text.normalize);
punctuation inside a term splits it into parts that must all occur.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from .text import HAN, normalize, runs

MAX_LENGTH = 200
MAX_TERMS = 10

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


_HAN_CHAR = re.compile(f"[{HAN}]")
_HAN_RUN = re.compile(f"[{HAN}]+")


class QueryError(ValueError):
    """A query we cannot run; the message says why, for the reader."""


@dataclass(frozen=True)
class Term:
    text: str  # as normalized
    parts: tuple  # runs of letters, digits and Han characters
    negated: bool = False


@dataclass
class Query:
    raw: str
    terms: list = field(default_factory=list)
    ignored: list = field(default_factory=list)

    @property
    def required(self):
        return [t for t in self.terms if not t.negated]

    @property
    def excluded(self):
        return [t for t in self.terms if t.negated]

    def highlight_terms(self) -> list[str]:
        """Return the normalized parts to mark in results, longest first."""
        return sorted({p for t in self.required for p in t.parts}, key=len, reverse=True)


def _split(raw: str):
    """Yield (negated, text) from the raw query; quotes group a phrase."""
    i, n = 0, len(raw)
    while i < n:
        if raw[i].isspace():
            i += 1
            continue
        negated = raw[i] == "-" and i + 1 < n and not raw[i + 1].isspace()
        if negated:
            i += 1
        if raw[i] in '"“”':
            close = re.compile('["“”]')
            match = close.search(raw, i + 1)
            if not match:
                raise QueryError("引号没有配对：请补上后一个引号，或去掉引号。")
            yield negated, raw[i + 1 : match.start()]
            i = match.end()
        else:
            j = i
            while j < n and not raw[j].isspace() and raw[j] not in '"“”':
                j += 1
            yield negated, raw[i:j]
            i = j


def _join_spaced_names(pieces):
    """Join single Han characters typed apart (``刘 飞``), as names are printed."""
    out = []
    for negated, text in pieces:
        if (
            out
            and not negated
            and not out[-1][0]
            and _HAN_CHAR.fullmatch(text)
            and _HAN_RUN.fullmatch(out[-1][1])
            and (len(out[-1][1]) == 1 or out[-1][2])
        ):
            out[-1] = (False, out[-1][1] + text, True)
        else:
            out.append((negated, text, False))
    return [(negated, text) for negated, text, _ in out]


def parse(raw: str) -> Query:
    """Return the parsed query, or raise QueryError with a message for the reader."""
    raw = unicodedata.normalize("NFKC", raw or "")
    raw = _CONTROL.sub(" ", raw).strip()
    query = Query(raw=raw)
    if not raw:
        return query
    if len(raw) > MAX_LENGTH:
        raise QueryError(f"检索词太长（{len(raw):,} 字）：请不超过 {MAX_LENGTH} 字。")
    seen = set()
    for negated, text in _join_spaced_names(list(_split(raw))):
        normalized = normalize(text)
        parts = tuple(runs(normalized))
        if not parts:
            if text.strip():
                query.ignored.append(text)
            continue
        key = (negated, normalized)
        if key not in seen:
            seen.add(key)
            query.terms.append(Term(text=normalized, parts=parts, negated=negated))
    if len(query.terms) > MAX_TERMS:
        raise QueryError(f"检索词太多：最多 {MAX_TERMS} 个。")
    if query.terms and not query.required:
        raise QueryError("只有排除词（以“-”开头）：请至少给出一个要查找的词。")
    if not query.terms and query.ignored:
        raise QueryError("检索词里没有可检索的文字（只有标点或符号，如 % _ \\）：请输入汉字、字母或数字。")
    return query
