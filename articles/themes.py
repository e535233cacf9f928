"""Theme (tag) input and output for editors who type Chinese.

django-taggit splits tag input on commas and spaces; editors also type the
Chinese comma ``，``, the enumeration comma ``、`` and semicolons.
"""
import re

from taggit.utils import _edit_string_for_tags, _parse_tags

_SEPARATORS = re.compile(r"[，、;；]")


def parse_themes(text: str) -> list[str]:
    """Return the theme names in ``text`` (TAGGIT_TAGS_FROM_STRING)."""
    return _parse_tags(_SEPARATORS.sub(",", text or ""))


def format_themes(tags) -> str:
    """Return tags as editors read them back, separated by ``、``."""
    names = [t.name for t in tags]
    if any(_SEPARATORS.search(n) or "," in n or " " in n for n in names):
        return _edit_string_for_tags(tags)
    return "、".join(sorted(names))
