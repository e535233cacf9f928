"""Find the query's terms in printed text and mark them, escaping everything else.

The text is normalized character by character (the same steps as
text.normalize, traditional → simplified per character) while remembering
where each normalized character came from, so a match in normalized text
marks the printed characters, spaces inside names included (``刘 飞``).
"""

import functools
import html
import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .text import HAN, t2s_characters

_IS_HAN = re.compile(f"[{HAN}]")
_TAG = re.compile(r"(<[^>]*>)")
_UNIT = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|.", re.S)


@functools.lru_cache(maxsize=4096)
def _char(c: str) -> str:
    folded = unicodedata.normalize("NFKC", c).lower()
    table = t2s_characters()
    return "".join(table.get(ch, ch) for ch in folded)


def normalized_with_map(text: str):
    """Return (normalized text, index of the printed character for each normalized one)."""
    out, where = [], []
    n = len(text)
    for i, c in enumerate(text):
        folded = _char(c)
        if folded.isspace() or not folded:
            # Space between two Han characters is layout, not text.
            prev = out[-1] if out else ""
            j = i + 1
            while j < n and _char(text[j]).isspace():
                j += 1
            nxt = _char(text[j])[:1] if j < n else ""
            if prev and nxt and _IS_HAN.match(prev) and _IS_HAN.match(nxt):
                continue
            folded = " "
        for ch in folded:
            out.append(ch)
            where.append(i)
    return "".join(out), where


def spans(text: str, terms) -> list[tuple[int, int]]:
    """Return sorted, merged (start, end) spans of the printed text where terms occur."""
    if not text or not terms:
        return []
    normalized, where = normalized_with_map(text)
    found = []
    for term in terms:
        if not term:
            continue
        start = normalized.find(term)
        while start != -1:
            end = start + len(term)
            found.append((where[start], where[end - 1] + 1))
            start = normalized.find(term, start + 1)
    found.sort()
    merged = []
    for s, e in found:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def mark_text(text: str, terms, found=None) -> str:
    """Return ``text`` HTML-escaped with each occurrence of a term in ``<mark>``."""
    found = spans(text, terms) if found is None else found
    out, pos = [], 0
    for s, e in found:
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))


def snippet(text: str, terms, width: int = 110) -> str:
    """Return an escaped excerpt around the first match, every term marked."""
    text = " ".join(text.split())
    # Most bodies print the term as typed: find it directly and normalize
    # only the excerpt, instead of mapping the whole body.
    direct = [i for i in (text.find(t) for t in terms if t) if i >= 0]
    if direct:
        start = max(0, min(direct) - width // 4)
        end = min(len(text), start + width)
        return mark_safe(("…" if start else "") + mark_text(text[start:end], terms) + ("…" if end < len(text) else ""))
    found = spans(text, terms)
    if not found:
        cut = text[:width]
        return mark_safe(escape(cut) + ("…" if len(text) > width else ""))
    first = found[0][0]
    start = max(0, first - width // 4)
    end = min(len(text), start + width)
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in found if s < end and e > start]
    body = mark_text(text[start:end], terms, inside)
    return mark_safe(("…" if start else "") + body + ("…" if end < len(text) else ""))


def mark_html(fragment: str, terms) -> str:
    """Return sanitized HTML with terms marked in its text, tags and entities left whole."""
    if not terms:
        return mark_safe(fragment)
    out = []
    for part in _TAG.split(fragment or ""):
        if not part or part.startswith("<"):
            out.append(part)
            continue
        # Match on the text the entities stand for, but write the source back unchanged.
        units = _UNIT.findall(part)
        text, starts = "", []
        for unit in units:
            starts.append(len(text))
            text += html.unescape(unit) if unit.startswith("&") else unit
        starts.append(len(text))
        found = spans(text, terms)
        if not found:
            out.append(part)
            continue
        opens = {s for s, _ in found}
        closes = {e for _, e in found}
        for unit, at in zip(units, starts[:-1], strict=True):
            if at in closes:
                out.append("</mark>")
            if at in opens:
                out.append("<mark>")
            out.append(unit)
        if starts[-1] in closes:
            out.append("</mark>")
    return mark_safe("".join(out))
