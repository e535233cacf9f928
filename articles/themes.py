"""Theme (tag) input and output for editors who type Chinese.

django-taggit splits tag input on commas and spaces; editors also type the
Chinese comma ``，``, the enumeration comma ``、`` and semicolons.

A theme needs at least one letter or digit (a Chinese character counts as a
letter): its slug, the last part of ``/themes/<slug>/``, is made from them,
and ``..``, ``……`` or ``？`` would leave it empty. Such names are refused
where themes are typed (``parse_themes``, the article form's theme box, and
the theme's own name field); should one reach the table another way, its
slug falls back to ``theme-<digest>`` (``theme_slug``).
"""

import hashlib
import re

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from taggit.utils import _edit_string_for_tags, _parse_tags

_SEPARATORS = re.compile(r"[，、;；]")


def has_letter_or_digit(name: str) -> bool:
    """Return True if ``name`` holds a letter or digit of any script (汉字 included)."""
    return any(ch.isalnum() for ch in name or "")


def _refusal(names) -> str:
    quoted = "、".join(f"“{n}”" for n in names)
    return f"主题{quoted}没有文字或数字，不能用作主题（只由标点组成的主题无法生成网址）。请删去或改写。"


def validate_theme_name(name: str) -> None:
    """Refuse a theme name made only of punctuation, symbols or spaces, or holding markup."""
    if not has_letter_or_digit(name):
        raise ValidationError(_refusal([name]), code="theme_without_letters")
    if "<" in name or ">" in name:
        raise ValidationError(f"主题“{name}”含有 < 或 >：主题名是纯文字，不能带 HTML 标记。", code="theme_markup")


def parse_themes(text: str) -> list[str]:
    """Return the theme names in ``text`` (TAGGIT_TAGS_FROM_STRING).

    This is what the article form's theme box (taggit's ``TagField``) calls
    to read what the editor typed; a name without a letter or digit is
    refused there with a ``ValidationError`` naming it.
    """
    names = _parse_tags(_SEPARATORS.sub(",", text or ""))
    refused = [n for n in names if not has_letter_or_digit(n)]
    if refused:
        raise ValidationError(_refusal(refused), code="theme_without_letters")
    return names


def format_themes(tags) -> str:
    """Return tags as editors read them back, separated by ``、``."""
    names = [t.name for t in tags]
    if any(_SEPARATORS.search(n) or "," in n or " " in n for n in names):
        return _edit_string_for_tags(tags)
    return "、".join(sorted(names))


def theme_slug(name: str, i: int | None = None) -> str:
    """Return the slug for a theme name (``Theme.slugify``): never empty.

    The Chinese is kept (``法律援助``); a name with nothing a slug can hold
    gets ``theme-`` and the first 8 hex digits of its SHA-1, the same every
    time for the same name. ``i`` makes the ``_2`` variant taggit asks for
    when the slug is taken.
    """
    slug = slugify(name or "", allow_unicode=True)
    if not slug:
        slug = "theme-" + hashlib.sha1((name or "").encode()).hexdigest()[:8]
    if i is not None:
        slug += f"_{i}"
    return slug


def free_theme_slug(name: str, taken) -> str:
    """Return ``theme_slug(name)``, or its first ``_<n>`` variant not in ``taken``."""
    slug = theme_slug(name)
    i = 1
    while slug in taken:
        slug = theme_slug(name, i)
        i += 1
    return slug
