"""What readers (and previewing staff) may see of issues and pages.

The public rule lives in ``published()`` alone; these selectors only widen it
for staff with the model's view permission, who open unpublished issues and
pages in the public templates as a preview. Lists, the calendar, feeds and
the sitemap never widen: they use ``published()`` directly. What a page
shows with its articles is read in ``articles.selectors``.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models.functions import ExtractYear

from unionpaper import cache_keys as ck
from unionpaper.cache import shared

from .models import Issue, Page

PREVIEW_PERMISSION = "issues.view_issue"


def can_preview_issues(user) -> bool:
    """Return True when ``user`` may open unpublished issues and pages."""
    return bool(user and user.is_authenticated and user.is_staff and user.has_perm(PREVIEW_PERMISSION))


def visible_issues(*, user=None):
    """Return the issues ``user`` may open: published ones, or all for previewing staff."""
    return Issue.objects.all() if can_preview_issues(user) else Issue.objects.published()


def issue_pages(issue: Issue) -> list[Page]:
    """Return the issue's pages in order (one query, shared until the next change)."""

    def build():
        pages = list(issue.pages.in_order())
        ck.depends_on(issue, *pages)
        ck.depends_on_list(ck.issue_pages_list(issue.date))
        return pages

    return shared(f"issue-pages:{issue.pk}", build)


def issue_neighbours(issue: Issue) -> tuple[Issue | None, Issue | None]:
    """Return the published issues before and after ``issue`` (上一期/下一期)."""
    published = Issue.objects.published()
    previous = published.filter(date__lt=issue.date).order_by("-date").first()
    following = published.filter(date__gt=issue.date).order_by("date").first()
    ck.depends_on_list(ck.issue_neighbours_list(issue.date))
    ck.depends_on(previous, following)
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
    ck.depends_on_list(ck.CALENDAR_YEARS, ck.calendar_list(year))
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
