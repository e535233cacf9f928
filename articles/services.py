"""Changes of an article's publication state, each one revision in one transaction.

The states run 草稿 → 待审 → 已发布 and back. Who may make which move is
decided by the permissions of the newsroom roles (issues migration 0002);
these functions check them so that an action, a script or the admin all
follow the same rules. Given the ``version`` the caller read, each refuses
(``unionpaper.concurrency.StaleVersion``) when the article has changed since.
"""

import datetime

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from unionpaper.concurrency import RecordModifiedError, StaleVersion, check_version, current_version
from unionpaper.publishing import Status

from . import review, working_copies
from .models import Article

PUBLISH_PERMISSION = "articles.publish_article"
EDIT_OTHERS_PERMISSION = "articles.edit_others_articles"


def can_publish(user) -> bool:
    """Return True when ``user`` may publish, unpublish and schedule articles."""
    return user.has_perm(PUBLISH_PERMISSION)


def can_edit(user, article: Article) -> bool:
    """Return True when ``user`` may change ``article`` (a reporter: only own drafts).

    A story in the 回收站 is read-only to everyone, the 总编 included, until it is restored.
    """
    if not user.has_perm("articles.change_article") or article.trashed_at is not None:
        return False
    if user.has_perm(EDIT_OTHERS_PERMISSION):
        return True
    return article.created_by_id == user.pk and article.status == Status.DRAFT


def _save(article: Article, *, user, comment: str) -> Article:
    try:
        with transaction.atomic(), reversion.create_revision():
            article.save()
            reversion.set_user(user)
            reversion.set_comment(comment)
    except RecordModifiedError as exc:
        # The article was read before someone else's save: nothing was written.
        raise StaleVersion(article, expected=article.version, current=current_version(article)) from exc
    return article


def submit_article(*, article: Article, user, version: int | None = None) -> Article:
    """Move a draft to the first review stage (送审); see ``articles.review``."""
    if not can_edit(user, article):
        raise PermissionDenied("你不能修改这篇稿件。")
    check_version(article, version)
    return review.submit(article=article, user=user)


def return_to_draft(*, article: Article, user, note: str = "", version: int | None = None) -> Article:
    """Send an article back to its author from its review stage (退回修改); the note is required."""
    check_version(article, version)
    return review.send_back(article=article, user=user, note=note)


def publish_article(
    *, article: Article, user, at: datetime.datetime | None = None, version: int | None = None
) -> Article:
    """Publish an article now, or at ``at`` when that lies in the future (定时发布)."""
    if not can_publish(user):
        raise PermissionDenied("只有总编可以发布稿件。")
    check_version(article, version)
    if article.trashed_at is not None:
        raise ValidationError(f"《{article.headline}》在回收站里，不能发布。")
    with transaction.atomic():
        # Publishing publishes what is pending too: the row takes the working copy's changes first.
        if working_copies.fold_into_row(obj=article, user=user):
            article.refresh_from_db()
        article.status = Status.PUBLISHED
        article.publish_at = at or timezone.now()
        when = "定时发布" if article.publish_at > timezone.now() else "发布"
        return _save(article, user=user, comment=when)


def unpublish_article(*, article: Article, user, version: int | None = None) -> Article:
    """Take an article off the public site and back to review (撤回)."""
    if not can_publish(user):
        raise PermissionDenied("只有总编可以撤回已发布的稿件。")
    check_version(article, version)
    review.refuse_if_trashed(article)
    with transaction.atomic():
        article.status = Status.REVIEW
        article.review_stage = review.READY  # it passed review before it was published
        article.publish_at = None
        _save(article, user=user, comment="撤回发布")
        # Offline now, the row may take the working copy's changes: they wait there for the next publication.
        if working_copies.fold_into_row(obj=article, user=user):
            article.refresh_from_db()
    return article
