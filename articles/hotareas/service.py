"""Hot areas suggested from a page's PDF, and draft stories from its regions, for the command and the editor."""

from __future__ import annotations

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import escape

from unionpaper.pdfs import UnreadablePdf
from unionpaper.publishing import Status

from .. import review
from ..models import Article
from ..text import plain_text
from .extract import page_text
from .match import suggest, suggest_from_text
from .shapes import clean_shapes
from .stories import story_from_region

NO_TEXT_LAYER = "本版 PDF 没有文字层（可能是扫描件），无法自动识别热区。"


def article_record(article) -> dict:
    """Return the mapping ``suggest`` matches against, from a stored article."""
    return {
        "id": article.pk,
        "kicker": article.kicker,
        "headline": article.headline,
        "subtitle": article.subtitle,
        "byline": article.byline,
        "body": plain_text(article.body),
    }


def page_suggestions(page, articles=None) -> list[dict]:
    """Return ``[{"article", "shapes", "matched"}]`` for the articles of ``page`` from its PDF ([] without one)."""
    articles = list(page.articles.order_by("order", "id") if articles is None else articles)
    if not page.pdf or not articles:
        return []
    with page.pdf.open("rb") as fh:
        return suggest(fh.read(), [article_record(a) for a in articles])


@transaction.atomic
def apply_suggestion(*, article, shapes: list[dict], user=None) -> bool:
    """Store ``shapes`` as the article's hot areas in one revision (its version moves on)."""
    review.refuse_if_trashed(article)
    article.hot_areas = shapes
    article.full_clean(validate_unique=False, validate_constraints=False)
    with reversion.create_revision():
        article.save()
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment("自动识别热区")
    return True


# --- The page form's hot-area editor ----------------------------------------------------------


def editor_proposals(page, articles) -> dict:
    """Return what 自动识别热区 shows for ``articles`` of ``page``: proposals, articles not found, a note.

    ``{"proposals": [{"article", "shapes", "matched"}], "not_found": [id, …], "note": str}``; the note
    says why nothing could be proposed (no PDF, no text layer, an unreadable PDF), else it is empty.
    """
    articles = list(articles)
    ids = [a.pk for a in articles]
    if not page.pdf:
        return {"proposals": [], "not_found": ids, "note": "本版没有 PDF，无法自动识别热区。"}
    try:
        with page.pdf.open("rb") as fh:
            text = page_text(fh.read())
    except UnreadablePdf as exc:
        return {"proposals": [], "not_found": ids, "note": f"本版 PDF 无法读取：{exc}"}
    if not text.lines:
        return {"proposals": [], "not_found": ids, "note": NO_TEXT_LAYER}
    rows = suggest_from_text(text, [article_record(a) for a in articles])
    return {
        "proposals": [r for r in rows if r["shapes"]],
        "not_found": [r["article"] for r in rows if not r["shapes"]],
        "note": "",
    }


def region_text(page, shapes: list[dict]) -> dict:
    """Return the draft story printed inside ``shapes`` of ``page`` (``stories.story_from_region``).

    Raise a ValidationError, in Chinese, when the page has no PDF with a text layer.
    """
    if not page.pdf:
        raise ValidationError("本版没有 PDF，无法从选区读出文字。")
    try:
        with page.pdf.open("rb") as fh:
            text = page_text(fh.read())
    except UnreadablePdf as exc:
        raise ValidationError(f"本版 PDF 无法读取：{exc}") from None
    if not text.lines:
        raise ValidationError(NO_TEXT_LAYER)
    return story_from_region(text, shapes)


@transaction.atomic
def article_from_region(*, page, shapes, user) -> Article:
    """Start a draft article on ``page`` with the text printed inside ``shapes``; the shapes are not stored.

    One revision (从选区新建稿件) with ``user`` as its author and the article's 创建人; placed after
    the page's other articles. The region becomes the draft's area with the page form's save
    (``draft_areas_save``), where it leaves the article it was drawn for: written here, it would
    be on two articles until then, and on both for good if the form were never saved. Raise a
    ValidationError when the region holds no text.
    """
    shapes = clean_shapes(shapes)
    if not shapes:
        raise ValidationError("请先选中或画出一个选区。")
    draft = region_text(page, shapes)
    if not (draft["headline"] or draft["body"]):
        raise ValidationError("选区里没有文字：请把选区画在稿件的标题和正文上。")
    last = page.articles.order_by("-order").values_list("order", flat=True).first()
    article = Article(
        page=page,
        order=(last or 0) + 1,
        kicker=draft["kicker"][:200],
        headline=(draft["headline"] or draft["paragraphs"][0][:30])[:300],
        subtitle=draft["subtitle"][:300],
        byline=draft["byline"][:300],
        body="".join(f"<p>{escape(p)}</p>" for p in draft["paragraphs"]),
        hot_areas=[],
        status=Status.DRAFT,
        created_by=user,
    )
    article.full_clean(validate_unique=False, validate_constraints=False)
    with reversion.create_revision():
        article.save()
        reversion.set_user(user)
        reversion.set_comment("从选区新建稿件")
    return article


def draft_areas_save(*, rows) -> None:
    """Give each draft of ``rows`` (``(article, shapes)``, checked by the page form) its areas.

    Called inside the page form's save, so in its transaction and revision (or its working
    copy); each article was loaded by the check, and its save is refused (RecordModifiedError)
    when someone saved it since.
    """
    for article, shapes in rows:
        article.hot_areas = shapes
        article.save()
