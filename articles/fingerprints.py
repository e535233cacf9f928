"""The content fingerprint of an article: what was printed, whatever file it came from.

Two copies of one article — another file name, a byte order mark, CRLF line
endings, GB18030 instead of UTF-8, names printed with spaces (``刘 飞``) —
have the same date, page, headline and body once spacing and character
widths are set aside, so they have the same fingerprint. The importer uses it
to refuse creating an article that already exists (``docs/importing.md``).
"""

import datetime
import hashlib
import unicodedata

from issues.models import page_sort_key

from .text import plain_text

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def squash(text: str) -> str:
    """Return ``text`` with widths folded (NFKC) and every space, line break and invisible mark removed."""
    return "".join(unicodedata.normalize("NFKC", text or "").translate(_INVISIBLE).split())


def content_fingerprint(*, date: datetime.date, page_code: str, headline: str, body_html: str) -> str:
    """Return the sha256 of the article's date, page, headline and body text, normalised."""
    parts = [date.isoformat(), page_sort_key(page_code), squash(headline), squash(plain_text(body_html))]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
