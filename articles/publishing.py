"""Publishing a whole issue: the issue and every article on its pages, all or nothing.

It lives with the articles because it changes both: ``issues`` knows nothing of articles.
"""

import datetime
from dataclasses import dataclass

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from issues.models import Issue
from unionpaper.concurrency import check_version
from unionpaper.publishing import Status

from .models import Article

PUBLISH_PERMISSION = "issues.publish_issue"


def can_publish_issue(user) -> bool:
    """Return True when ``user`` may publish, unpublish and schedule issues."""
    return user.has_perm(PUBLISH_PERMISSION) and user.has_perm("articles.publish_article")


@dataclass
class PublishPlan:
    """What publishing an issue will make public, for the confirmation page."""

    issue: Issue
    articles: list  # every article of the issue, in reading order
    to_publish: list  # those not yet published: they go live with the issue
    drafts: list  # among to_publish, those still 草稿 (not reviewed)


def publish_plan(*, issue: Issue) -> PublishPlan:
    """Return what ``publish_issue`` would change, without changing anything."""
    articles = list(
        # Only what is placed on its pages goes live with it; the 回收站 never does.
        Article.objects.filter(page__issue=issue)
        .untrashed()
        .select_related("page")
        .order_by("page__sort_key", "order", "id")
    )
    to_publish = [a for a in articles if a.status != Status.PUBLISHED]
    drafts = [a for a in to_publish if a.status == Status.DRAFT]
    return PublishPlan(issue=issue, articles=articles, to_publish=to_publish, drafts=drafts)


def publish_issue(
    *, issue: Issue, user, at: datetime.datetime | None = None, version: int | None = None
) -> PublishPlan:
    """Publish ``issue`` and every article on its pages, now or at ``at``.

    One transaction and one revision: if any article fails to save, nothing
    is published. Articles already published keep their own time. Given the
    ``version`` of the issue the caller read, refuse when it changed since.
    """
    if not can_publish_issue(user):
        raise PermissionDenied("只有总编可以发布整期。")
    at = at or timezone.now()
    with transaction.atomic(), reversion.create_revision():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        check_version(issue, version)
        plan = publish_plan(issue=issue)
        for article in plan.to_publish:
            article.status = Status.PUBLISHED
            article.publish_at = at
            article.save()
        issue.status = Status.PUBLISHED
        issue.publish_at = at
        issue.save()
        reversion.set_user(user)
        reversion.set_comment(
            f"{'定时发布' if at > timezone.now() else '发布'}整期，上线稿件 {len(plan.to_publish)} 篇"
        )
    return plan


def unpublish_issue(*, issue: Issue, user, version: int | None = None) -> Issue:
    """Take the whole issue off the public site; its articles keep their state."""
    if not can_publish_issue(user):
        raise PermissionDenied("只有总编可以撤回整期。")
    with transaction.atomic(), reversion.create_revision():
        check_version(issue, version)
        issue.status = Status.REVIEW
        issue.publish_at = None
        issue.save()
        reversion.set_user(user)
        reversion.set_comment("撤回整期")
    return issue
