"""Write the parsed articles of archive text files: create new ones, update changed ones in place.

Identity: an imported article's ``source_key`` is ``<date>/<file name>#<n>``
— the issue date from the masthead, the file's name without its folder, and
the article's position in the file. It stays the same when a corrected copy
of the file is imported again from any folder, so the article is updated in
place (same id, same URL). The ``source_checksum`` is a sha256 of everything
the import writes; an equal checksum means "unchanged" and nothing is written.

Content: an article new by its source key whose content fingerprint
(``articles.fingerprints``: date, page, headline and body, spacing and widths
set aside) equals an existing article's is not created again; its row is a
``duplicate`` of that article. One with the same date, page and headline but
another body is created and flagged as a near-duplicate for a person to
decide, unless the run was told ``--replace``: then it replaces that one
article in place (same id and URL, a revision saying so), as a corrected
re-scrape under a new file name should.
"""

from __future__ import annotations

import difflib
import re
from contextlib import nullcontext
from pathlib import Path

import reversion
from django.core.exceptions import ValidationError
from reversion.models import Version

from articles.fingerprints import content_fingerprint
from articles.models import Article
from articles.sanitize import clean_html
from issues.models import validate_page_code
from unionpaper.publishing import Status

from .media import folder_date
from .parser import ParsedArticle
from .places import Places, printed_at
from .results import CREATED, DUPLICATE, UNCHANGED, UPDATED, ImportFailure, Row

FIELD_LABELS = {
    "kicker": "引题",
    "headline": "主标题",
    "subtitle": "副标题",
    "byline": "署名",
    "body": "正文",
    "page": "版面",
}


def source_key(path: Path, parsed: ParsedArticle) -> str:
    return f"{parsed.date.isoformat()}/{path.name}#{parsed.ordinal}"


def describe_body_change(old_html: str, new_paragraphs: list[str]) -> str:
    """Return which paragraphs changed, for the revision comment (改第 2 段、增第 4 段)."""
    old = [p for p in re.split(r"</p>\s*<p>|</?p>", old_html or "") if p.strip()]
    new = [clean_html(f"<p>{p}</p>")[3:-4] for p in new_paragraphs]
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "replace":
            parts.append(f"改第 {j1 + 1}{f'–{j2}' if j2 - j1 > 1 else ''} 段")
        elif op == "insert":
            parts.append(f"增第 {j1 + 1}{f'–{j2}' if j2 - j1 > 1 else ''} 段")
        elif op == "delete":
            parts.append(f"删原第 {i1 + 1}{f'–{i2}' if i2 - i1 > 1 else ''} 段")
    return "、".join(parts) or "格式"


def check(path: Path, parsed: ParsedArticle):
    """Refuse an article the database cannot hold; warn when its folder's date disagrees."""
    expected = folder_date(path)
    if expected and expected != parsed.date:
        parsed.warnings.append(
            f"文件在 {expected.isoformat()} 文件夹中，报头日期却是 {parsed.date.isoformat()}；以报头为准"
        )
    for name in ("kicker", "headline", "subtitle", "byline"):
        limit = Article._meta.get_field(name).max_length
        if len(getattr(parsed, name)) > limit:
            label = FIELD_LABELS[name]
            raise ImportFailure(
                f"第 {parsed.line} 行起的稿件：{label}有 {len(getattr(parsed, name))} 字，超过 {limit} 字上限"
            )
    try:
        validate_page_code(parsed.page_code)
    except ValidationError as exc:
        raise ImportFailure(f"第 {parsed.line} 行起的稿件：出处行的{'；'.join(exc.messages)}") from None


def _label(article: Article) -> str:
    return f"{article.pk} {article.headline}" if article.pk else article.headline


class ArticleTexts:
    """Save parsed articles, remembering which source keys exist and with what checksum."""

    def __init__(self, places: Places, *, draft: bool, dry_run: bool, user=None, replace: bool = False):
        self.places = places
        self.replace = replace
        self.draft = draft
        self.dry_run = dry_run
        self.user = user
        # source_key -> (id, headline, checksum) of articles known to exist, or None when known absent.
        self._known: dict[str, tuple[int, str, str] | None] = {}
        # Keys the current file wrote, and the articles it created.
        self._touched: list[str] = []
        self.created: list[int] = []

    def start_file(self):
        self._touched = []
        self.created = []

    def forget(self):
        """Forget what the current file wrote: its transaction has been rolled back."""
        for key in self._touched:
            self._known.pop(key, None)
        self._touched = []

    def look_up(self, prepared: dict):
        """Look up at once the existing articles of files already parsed (path -> articles or error)."""
        keys = {source_key(path, a) for path, result in prepared.items() if isinstance(result, list) for a in result}
        keys -= self._known.keys()
        if not keys:
            return
        self._known.update(dict.fromkeys(keys))
        rows = Article.objects.filter(source_key__in=keys).values_list(
            "source_key", "pk", "headline", "source_checksum"
        )
        for key, pk, headline, checksum in rows:
            self._known[key] = (pk, headline, checksum)

    def save(self, path: Path, parsed: ParsedArticle) -> Row:
        """Create, update or leave unchanged the article ``parsed`` of the file ``path``."""
        key = source_key(path, parsed)
        checksum = parsed.checksum
        warnings = "；".join(parsed.warnings)
        if key in self._known:
            known = self._known[key]
            if known is not None and known[2] == checksum:
                return Row(UNCHANGED, f"{known[0]} {known[1]}", warnings)
            existing = None if known is None else Article.objects.get(pk=known[0])
        else:
            existing = Article.objects.filter(source_key=key).first()
            if existing is not None and existing.source_checksum == checksum:
                return Row(UNCHANGED, _label(existing), warnings)
        self._touched.append(key)
        page = self.places.page(self.places.issue(parsed.date), parsed.page_code)
        values = {
            "kicker": parsed.kicker,
            "headline": parsed.headline,
            "subtitle": parsed.subtitle,
            "byline": parsed.byline,
            "body": parsed.body_html,
        }
        near = None
        if existing is None:
            fingerprint = content_fingerprint(
                date=parsed.date, page_code=page.code, headline=parsed.headline, body_html=clean_html(parsed.body_html)
            )
            same = Article.objects.filter(content_fingerprint=fingerprint).values_list("pk", "headline").first()
            if same is not None:
                message = f"与已有稿件 {same[0]} 内容相同（同日、同版、同题、同文），未重复导入"
                return Row(DUPLICATE, f"{same[0]} {same[1]}", "；".join(filter(None, [message, warnings])))
            near = list(Article.objects.filter(page=page, headline=parsed.headline).order_by("pk")[:5])
            if self.replace and len(near) == 1:
                replaced = near[0]
                self._known.pop(replaced.source_key, None)
                replaced.source_key = key
                row = self._update(replaced, page, values, checksum, path, parsed, warnings)
                row.message = f"按 --replace 替换了同日同版同题的稿件 {replaced.pk}；{row.message}"
                return row
        if existing is None:
            order = self.places.order(page)
            article = Article(page=page, order=order, source_key=key, source_checksum=checksum, **values)
            article.created_by = self.user
            if self.draft:
                article.status = Status.DRAFT
            else:
                article.status, article.publish_at = Status.PUBLISHED, printed_at(parsed.date)
            article.save()
            self.created.append(article.pk)
            self._known[key] = (article.pk, article.headline, checksum)
            if near:
                ids = "、".join(str(a.pk) for a in near)
                message = (
                    f"疑似重复：与稿件 {ids} 同日、同版、同题而正文不同，已导入，请编辑比对后决定保留哪篇"
                    "（更正稿可用 --replace 替换旧稿）"
                )
                return Row(CREATED, _label(article), "；".join(filter(None, [message, warnings])), near_duplicate=True)
            return Row(CREATED, _label(article), warnings)
        return self._update(existing, page, values, checksum, path, parsed, warnings)

    def _update(self, article, page, values, checksum, path, parsed, warnings) -> Row:
        changed = [name for name, value in values.items() if name != "body" and getattr(article, name) != value]
        if clean_html(values["body"]) != article.body:
            changed.append("body")
        if article.page_id != page.pk:
            changed.append("page")
            article.page, article.order = page, self.places.order(page)
        labels = "、".join(FIELD_LABELS[c] for c in changed) or "无可见改动（来源文件格式变化）"
        comment = f"由 import_articles 从 {path.name} 更新：{labels}"
        if "body" in changed:
            comment += f"（正文：{describe_body_change(article.body, parsed.paragraphs)}）"
        track = reversion.is_registered(Article) and not self.dry_run
        first_change = track and article.status == Status.PUBLISHED and "body" in changed
        if first_change and not Version.objects.get_for_object(article).exists():
            # Keep the text as it was before this import, so the history can compare.
            with reversion.create_revision(atomic=False):
                reversion.add_to_revision(Article.objects.get(pk=article.pk))
                reversion.set_comment("导入更新前的内容")
                reversion.set_user(self.user)
        for name, value in values.items():
            setattr(article, name, value)
        article.source_checksum = checksum
        with reversion.create_revision(atomic=False) if track else nullcontext():
            article.save()
            if track:
                reversion.set_comment(comment)
                reversion.set_user(self.user)
        self._known[article.source_key] = (article.pk, article.headline, checksum)
        return Row(UPDATED, _label(article), "；".join(filter(None, [comment, warnings])))
