"""The newsroom's start page (the admin index for staff): what each person has to do.

我的稿件 (own stories and where they stand), 待我审核 (stories waiting at a
stage the user decides), 被退回 (own drafts returned, with the note), and the
issues being prepared with what they still lack. A fixed number of queries,
none per row.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from issues.models import Issue, Page
from unionpaper.publishing import Status

from . import review
from .models import Article, ReviewDecision

LIMIT = 20


@dataclass
class IssueInPreparation:
    issue: Issue
    pages: int
    unscanned: list = field(default_factory=list)  # codes of pages without a scan
    unapproved: int = 0  # stories on its pages not yet through the last stage


@dataclass
class StartPage:
    mine: list
    to_review: list
    returned: list  # (article, the step that returned it)
    issues: list
    pool_count: int


def _returned_notes(articles) -> dict:
    """Return, per returned draft, the step that returned it (one query)."""
    ids = [a.pk for a in articles]
    latest = {}
    for step in (
        ReviewDecision.objects.filter(article_id__in=ids).select_related("decided_by").order_by("decided_at", "id")
    ):
        latest[step.article_id] = step
    return {pk: s for pk, s in latest.items() if s.decision == ReviewDecision.Decision.RETURN}


def start_page(user) -> StartPage:
    """Return what the start page shows ``user``."""
    stories = Article.objects.untrashed().select_related("page", "page__issue").defer("body")
    mine = list(stories.filter(created_by=user).order_by("-updated_at")[:LIMIT])
    drafts = [a for a in mine if a.status == Status.DRAFT]
    notes = _returned_notes(drafts)
    returned = [(a, notes[a.pk]) for a in drafts if a.pk in notes]
    keys = [s.key for s in review.decidable_stages(user)]
    to_review = list(stories.filter(review.waiting_at_q(keys)).order_by("updated_at")[:LIMIT])
    for article in [*mine, *to_review]:
        article.state_label = review.stage_label(article)
    return StartPage(
        mine=mine,
        to_review=to_review,
        returned=returned,
        issues=issues_in_preparation() if user.has_perm("issues.view_issue") else [],
        pool_count=Article.objects.unplaced().count() if user.has_perm(review.EDIT_OTHERS_PERMISSION) else 0,
    )


def issues_in_preparation() -> list[IssueInPreparation]:
    """Return the issues not yet published, oldest date first, with what they lack (three queries)."""
    issues = list(Issue.objects.exclude(status=Status.PUBLISHED).order_by("date")[:LIMIT])
    by_id = {i.pk: IssueInPreparation(issue=i, pages=0) for i in issues}
    for page in Page.objects.filter(issue__in=issues).order_by("sort_key").only("issue_id", "code", "image"):
        entry = by_id[page.issue_id]
        entry.pages += 1
        if not page.image:
            entry.unscanned.append(page.code)
    approved = Q(status=Status.PUBLISHED) | Q(status=Status.REVIEW, review_stage=review.READY)
    counts = (
        Article.objects.untrashed()
        .filter(page__issue__in=issues)
        .exclude(approved)
        .values("page__issue_id")
        .annotate(n=Count("id"))
    )
    for row in counts:
        by_id[row["page__issue_id"]].unapproved = row["n"]
    return list(by_id.values())
