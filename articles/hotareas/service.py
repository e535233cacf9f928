"""Hot areas suggested from a page's PDF, for the stored pages and articles (the command and the editor)."""

from __future__ import annotations

import reversion
from django.db import transaction

from ..text import plain_text
from .match import suggest


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
    article.hot_areas = shapes
    article.full_clean(validate_unique=False, validate_constraints=False)
    with reversion.create_revision():
        article.save()
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment("自动识别热区")
    return True
