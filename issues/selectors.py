"""What readers (and previewing staff) may see of issues and pages.

The public rule lives in ``published()`` alone; these selectors only widen it
for staff with the model's view permission, who open unpublished issues and
pages in the public templates as a preview (issue 6). Lists, the calendar,
feeds and the sitemap never widen: they use ``published()`` directly.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.db.models.functions import ExtractYear

from articles.models import Article
from articles.selectors import can_preview_articles
from unionpaper.cache import shared

from .models import Issue, Page, page_sort_key

PREVIEW_PERMISSION = "issues.view_issue"


def can_preview_issues(user) -> bool:
    """Return True when ``user`` may open unpublished issues and pages."""
    return bool(user and user.is_authenticated and user.is_staff and user.has_perm(PREVIEW_PERMISSION))


def visible_issues(*, user=None):
    """Return the issues ``user`` may open: published ones, or all for previewing staff."""
    return Issue.objects.all() if can_preview_issues(user) else Issue.objects.published()


def visible_articles_of_issues(*, user=None):
    """Return the articles shown inside an issue or page ``user`` may open.

    Callers have already opened the issue through ``visible_issues``, so for
    the public only the articles' own state is tested, without joining the
    issue again.
    """
    if can_preview_issues(user):
        # The issue itself may be unpublished: its published articles are still not public.
        return Article.objects.all() if can_preview_articles(user) else Article.objects.published()
    return Article.objects.published_own()


def _articles_prefetch(user, to_attr="visible_articles"):
    return Prefetch(
        "articles",
        queryset=visible_articles_of_issues(user=user).order_by("order", "id"),
        to_attr=to_attr,
    )


@dataclass
class PageView:
    """Everything the page view shows, fetched in a fixed number of queries."""

    issue: Issue
    page: Page
    pages: list  # every page of the issue, in order, for the strip
    articles: list
    previous_page: Page | None = None
    next_page: Page | None = None
    preview: bool = False
    areas: list = field(default_factory=list)


def page_view(*, issue: Issue, code: str | None, user=None) -> PageView | None:
    """Return the page ``code`` of ``issue`` (its first page when ``code`` is None), or None.

    Two queries: the issue's pages (shared by all its pages), then the page's
    articles; none per row. ``code`` matches however it is written (``a3``
    finds ``A03``).
    """
    pages = issue_pages(issue)
    for page in pages:
        page.issue = issue
    if code is None:
        index = 0 if pages else None
    else:
        wanted = page_sort_key(code)
        index = next((i for i, p in enumerate(pages) if p.sort_key == wanted), None)
    if index is None:
        return None
    page = pages[index]
    # The body is not shown on the page, and is the bulk of each row.
    articles = list(visible_articles_of_issues(user=user).filter(page=page).defer("body").order_by("order", "id"))
    for article in articles:
        article.page = page
    return PageView(
        issue=issue,
        page=page,
        pages=pages,
        articles=articles,
        previous_page=pages[index - 1] if index > 0 else None,
        next_page=pages[index + 1] if index + 1 < len(pages) else None,
        preview=not issue.is_public or any(not a.is_public for a in articles),
        areas=[a for a in articles if a.has_area],
    )


def issue_pages(issue: Issue) -> list[Page]:
    """Return the issue's pages in order (one query, shared until the next change)."""
    return shared(f"issue-pages:{issue.pk}", lambda: list(issue.pages.in_order()))


def issue_pages_with_articles(*, issue: Issue, user=None) -> list:
    """Return the issue's pages in order, each with ``visible_articles`` (two queries)."""
    pages = list(issue.pages.in_order().prefetch_related(_articles_prefetch(user)))
    for page in pages:
        page.issue = issue
        for article in page.visible_articles:
            article.page = page
    return pages


def issue_neighbours(issue: Issue) -> tuple[Issue | None, Issue | None]:
    """Return the published issues before and after ``issue`` (上一期/下一期)."""
    published = Issue.objects.published()
    previous = published.filter(date__lt=issue.date).order_by("-date").first()
    following = published.filter(date__gt=issue.date).order_by("date").first()
    return previous, following


@dataclass
class Month:
    year: int
    month: int
    weeks: list  # weeks of (date, issue or None); days outside the month are None
    count: int


@dataclass
class Calendar:
    year: int
    years: list
    months: list
    count: int


def issue_calendar(*, year: int | None = None) -> Calendar:
    """Return the published issues of ``year`` (the latest year when None) as month grids."""
    years = list(
        Issue.objects.published()
        .annotate(year=ExtractYear("date"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    if year is None:
        year = years[0] if years else datetime.date.today().year
    issues = {
        issue.date: issue
        for issue in Issue.objects.published().filter(date__year=year).only("id", "date", "number", "serial")
    }
    cal = calendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = [
            [(day, issues.get(day)) if day.month == month else (None, None) for day in week]
            for week in cal.monthdatescalendar(year, month)
        ]
        count = sum(1 for d in issues if d.month == month)
        months.append(Month(year=year, month=month, weeks=weeks, count=count))
    return Calendar(year=year, years=years, months=months, count=len(issues))
