"""The history's comparison of two versions: one row per field, values as people read them.

``compare_versions`` gives the rows the compare page (and the stale-save
notice, ``conflicts``) shows; a long text or a rich-text body is marked
paragraph by paragraph (``text_diff``).
"""

import datetime
import difflib
import re
from collections.abc import Callable
from typing import NamedTuple

from django.utils import timezone

from unionpaper.html_text import read_references, without_tags

# Fields every version differs in, or that only order rows: not worth a line in the comparison.
UNCOMPARED_FIELDS = {"updated_at", "created_at", "sort_key", "version"}


class RelatedSummary(NamedTuple):
    """Rows of ``model`` saved with a version, shown in the comparison as one text line each.

    ``fk_name`` is the field of ``model`` pointing at the compared object;
    ``describe`` turns one saved row (its ``field_dict``) into its line.
    """

    label: str
    model: type
    fk_name: str
    describe: Callable[[dict], str]


def compare_versions(model, old, new, related: tuple[RelatedSummary, ...] = ()) -> list[dict]:
    """Return one row per field, then per ``related`` summary: its label, both values and whether it changed.

    Values are shown as people read them (``display``): a page by its name,
    a person by username, times in the paper's time zone, a body as its
    paragraphs of text; whether a field changed is decided on the stored values.
    """
    rows = []
    old_fields, new_fields = old.field_dict, new.field_dict
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in UNCOMPARED_FIELDS:
            continue
        a, b = old_fields.get(field.attname), new_fields.get(field.attname)
        row = _row(str(field.verbose_name), display(field, a), display(field, b), changed=differs(a, b))
        row["name"] = field.name
        if row["changed"] and _is_html(a, b):
            row["diff"] = text_diff(paragraphs(a or ""), paragraphs(b or ""))
        rows.append(row)
    for summary in related:
        rows.append(_row(summary.label, related_summary(old, summary), related_summary(new, summary)))
    return rows


def differs(a, b) -> bool:
    """Whether two stored values differ; an empty value is the same whether stored as NULL or as ``""``."""
    return ("" if a is None else a) != ("" if b is None else b)


def display(field, value) -> str:
    """Return a stored value of ``field`` as the admin's lists and forms show it."""
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.many_to_one or field.one_to_one:
        related = field.related_model._base_manager.filter(pk=value).first()
        if related is None:
            return f"（已删除，编号 {value}）"
        return related.get_username() if hasattr(related, "get_username") else str(related)
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{local:%Y年%m月%d日 %H:%M:%S}"
    if isinstance(value, datetime.date):
        return f"{value:%Y年%m月%d日}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if _is_html(value):
        return "\n".join(paragraphs(value))
    return str(value)


_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


def _is_html(*values) -> bool:
    return any(isinstance(v, str) and _TAG.search(v) for v in values)


def paragraphs(html: str) -> list[str]:
    """Return the paragraphs of rich text as plain text, one per block, spaces collapsed, empty ones left out.

    A table row is one paragraph (``unionpaper.html_text``); references are read
    within their line, so ``&#10;`` reads as a space, not a new paragraph.
    """
    lines = (" ".join(read_references(line).split()) for line in without_tags(html, cells=False).splitlines())
    return [line for line in lines if line]


# Unchanged paragraphs shown around a change; a longer unchanged run is shown as a count.
CONTEXT = 1


def text_diff(old: list[str], new: list[str]) -> list[dict]:
    """Return the paragraphs of both texts marked "same", "removed" or "added", long unchanged runs folded."""
    out = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "equal":
            out += [{"op": "removed", "text": t} for t in old[i1:i2]]
            out += [{"op": "added", "text": t} for t in new[j1:j2]]
            continue
        run = old[i1:i2]
        head = run[:CONTEXT] if index > 0 else []
        tail = run[-CONTEXT:] if index < len(opcodes) - 1 else []
        if len(run) <= len(head) + len(tail) + 1:
            out += [{"op": "same", "text": t} for t in run]
            continue
        out += [{"op": "same", "text": t} for t in head]
        out.append({"op": "folded", "text": f"……（{len(run) - len(head) - len(tail)} 段未改）"})
        out += [{"op": "same", "text": t} for t in tail]
    return out


def _row(label, a, b, *, changed=None) -> dict:
    a = "" if a is None else str(a)
    b = "" if b is None else str(b)
    changed = a != b if changed is None else changed
    row = {"label": label, "old": a, "new": b, "changed": changed, "diff": None}
    if changed and ("\n" in a or "\n" in b or len(a) > 120 or len(b) > 120):
        # Long text: mark the lines that differ instead of showing two walls of text.
        row["diff"] = text_diff(a.splitlines(), b.splitlines())
    return row


def related_summary(version, summary: RelatedSummary) -> str:
    """Return a sorted text list of the ``summary.model`` rows saved with ``version``."""
    items = []
    for v in version.revision.version_set.all():
        if v.content_type.model_class() is not summary.model:
            continue
        data = v.field_dict
        if str(data.get(summary.fk_name)) == str(version.object_id):
            items.append(summary.describe(data))
    return "\n".join(sorted(items))
