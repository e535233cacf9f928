"""Publishing a whole issue: the issue and every article on its pages, all or nothing.

It lives with the articles because it changes both: ``issues`` knows nothing of articles.

"Publish" means one thing whatever came before: when it is done, the issue
and every article not yet public go live together at the chosen time, now
or later. An article scheduled earlier for a time still to come is moved to
that time (made immediate, or rescheduled); an article already public keeps
its own time. So publishing now after a schedule shows the whole issue at
once, and rescheduling an issue moves its waiting articles with it.
"""

import datetime
from dataclasses import dataclass, field

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from issues.models import Issue
from unionpaper.concurrency import check_version
from unionpaper.dependency_cache import render_ahead
from unionpaper.publishing import Status, is_public_state, is_scheduled_state

from . import review, working_copies
from .models import Article

PUBLISH_PERMISSION = "issues.publish_issue"


def can_publish_issue(user) -> bool:
    """Return True when ``user`` may publish, unpublish and schedule issues."""
    return user.has_perm(PUBLISH_PERMISSION) and user.has_perm("articles.publish_article")


def _live(row, now) -> bool:
    return is_public_state(row.status, row.publish_at, now=now)


def _scheduled(row, now) -> bool:
    return is_scheduled_state(row.status, row.publish_at, now=now)


@dataclass
class PublishPlan:
    """What publishing an issue at ``at`` (None: now) changes, for the confirmation page and the message."""

    issue: Issue
    at: datetime.datetime | None
    articles: list  # every article of the issue, in reading order
    to_publish: list  # not yet published: they go live with the issue
    rescheduled: list  # scheduled for another time still to come: moved to the issue's time
    drafts: list  # among to_publish, those still 草稿 (not reviewed)
    issue_change: str = ""  # "new", "rescheduled" or "" (the issue stays as it is)
    unchanged: list = field(default_factory=list)  # already public, or already due at exactly ``at``
    unreviewed: list = field(default_factory=list)  # among to_publish, those not through the last review stage

    @property
    def review_counts(self) -> list[tuple[str, int]]:
        """Count the articles going live new by where they stand in review (each once), in the review's order."""
        return count_by_review_state(self.to_publish)

    @property
    def unreviewed_counts(self) -> list[tuple[str, int]]:
        """Count, the same way, the articles going live new that have not passed the last review stage."""
        return count_by_review_state(self.unreviewed)

    @property
    def going_live(self) -> list:
        """Return every article whose publication this plan changes."""
        return self.to_publish + self.rescheduled

    @property
    def issue_scheduled(self) -> bool:
        """Return True when the issue waits for a publication time still to come."""
        return _scheduled(self.issue, timezone.now())

    @property
    def issue_live(self) -> bool:
        return _live(self.issue, timezone.now())


def count_by_review_state(articles) -> list[tuple[str, int]]:
    """Return (where it stood in review when planned, how many) for ``articles``, in the review's order."""
    order = review.state_labels()
    counts = {}
    for article in articles:
        counts[article.review_state] = counts.get(article.review_state, 0) + 1
    return sorted(counts.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))


def publish_plan(*, issue: Issue, at: datetime.datetime | None = None, now=None) -> PublishPlan:
    """Return what ``publish_issue(issue=issue, at=at)`` would change, without changing anything."""
    now = now or timezone.now()
    target = at or now
    articles = list(
        # Only what is placed on its pages goes live with it; the 回收站 never does.
        Article.objects.filter(page__issue=issue)
        .untrashed()
        .select_related("page")
        .order_by("page__sort_key", "order", "id")
    )
    to_publish = [a for a in articles if a.status != Status.PUBLISHED or a.publish_at is None]
    rescheduled = [a for a in articles if _scheduled(a, now) and a.publish_at != target]
    changing = {a.pk for a in to_publish + rescheduled}
    for article in articles:  # what the confirmation page says beside each article
        article.publish_change = (
            "new" if article in to_publish else "rescheduled" if article.pk in changing else "unchanged"
        )
        article.review_state = review.stage_label(article)
    if issue.status != Status.PUBLISHED or issue.publish_at is None:
        issue_change = "new"
    elif _live(issue, now) and at is None:
        issue_change = ""  # live already: publishing it now again changes nothing
    else:
        issue_change = "rescheduled" if issue.publish_at != target else ""
    return PublishPlan(
        issue=issue,
        at=at,
        articles=articles,
        to_publish=to_publish,
        rescheduled=rescheduled,
        drafts=[a for a in to_publish if a.status == Status.DRAFT],
        # Publishing stays the 总编's act whatever the review says; the confirmation names what skips it.
        unreviewed=[a for a in to_publish if not review.passed_review(a)],
        issue_change=issue_change,
        unchanged=[a for a in articles if a.pk not in changing],
    )


def publish_issue(
    *, issue: Issue, user, at: datetime.datetime | None = None, version: int | None = None
) -> PublishPlan:
    """Publish ``issue`` and every article on its pages not yet public, now or at ``at``.

    One transaction and one revision: if any article fails to save, nothing
    is published. Articles already public keep their own time; articles
    waiting for a time still to come move to the issue's time. Given the
    ``version`` of the issue the caller read, refuse when it changed since.
    """
    if not can_publish_issue(user):
        raise PermissionDenied("只有总编可以发布整期。")
    now = timezone.now()
    target = at or now
    with transaction.atomic():
        with reversion.create_revision():
            issue = Issue.objects.select_for_update().get(pk=issue.pk)
            check_version(issue, version)
            plan = publish_plan(issue=issue, at=at, now=now)
            for article in plan.going_live:
                article.status = Status.PUBLISHED
                article.publish_at = target
                article.save()
            if plan.issue_change:
                issue.status = Status.PUBLISHED
                issue.publish_at = target
                issue.save()
            reversion.set_user(user)
            reversion.set_comment(describe(plan, now=now))
        if (plan.going_live or plan.issue_change) and target <= now:
            # Every reader arriving as the issue goes live asks for the same new pages:
            # they are rendered now, from this transaction's rows, and kept from its commit.
            render_ahead(pages_going_live(issue))
    return plan


def pages_going_live(issue: Issue) -> list[str]:
    """Return the public pages a publication of ``issue`` makes: the front page if it is the newest, its own pages."""
    paths = []
    if Issue.objects.latest_published() == issue:
        paths.append(reverse("issues:latest"))
    paths.append(issue.get_absolute_url())
    paths += [page.get_absolute_url() for page in issue.pages.in_order()]
    articles = Article.objects.published().filter(page__issue=issue).order_by("page__sort_key", "order", "id")
    paths += [reverse("articles:article", kwargs={"pk": pk}) for pk in articles.values_list("pk", flat=True)]
    return paths


def describe(plan: PublishPlan, *, now=None) -> str:
    """Say in one line what publishing did: 发布整期（或定时、改期），稿件新上线 N 篇、改期 M 篇."""
    now = now or timezone.now()
    later = plan.at is not None and plan.at > now
    verb = "定时发布" if later else "发布"
    if plan.issue_change == "rescheduled":
        verb = "整期改期" if later else "整期改为立即发布"
        text = verb
    else:
        text = f"{verb}整期"
    text += f"，上线稿件 {len(plan.going_live)} 篇"
    if plan.rescheduled:
        text += f"（其中改期 {len(plan.rescheduled)} 篇）"
    return text


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
        # Offline now, the issue may take its working copy's changes: they wait there for the next publication.
        working_copies.fold_into_row(obj=issue, user=user)
    return issue
