"""The issues and pages an import writes into, looked up once per run and created when missing."""

from __future__ import annotations

import datetime

from django.utils import timezone

from articles.models import Article
from issues.models import Issue, Page, normalize_page_code, page_sort_key
from unionpaper.publishing import Status


def printed_at(date: datetime.date) -> datetime.datetime:
    """Return the publication time of a back issue: it was public from the day it was printed."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))


class Places:
    """Issues, pages and the next article order on each page, remembered across files."""

    def __init__(self, *, draft: bool):
        self.draft = draft
        self._issues: dict[datetime.date, Issue] = {}
        self._pages: dict[tuple[int, str], Page] = {}
        self._next_order: dict[int, int] = {}

    def forget(self):
        """Drop everything remembered: rows created in a rolled-back transaction are gone."""
        self._issues.clear()
        self._pages.clear()
        self._next_order.clear()

    def issue(self, date: datetime.date) -> Issue:
        """Return the issue of ``date``, creating it (published, or a draft) when missing."""
        issue = self._issues.get(date)
        if issue is None:
            issue = Issue.objects.filter(date=date).first()
            if issue is None:
                status = Status.DRAFT if self.draft else Status.PUBLISHED
                issue = Issue(date=date, status=status, publish_at=None if self.draft else printed_at(date))
                issue.save()
            else:
                # All its pages at once: a page not among them is created without asking again.
                for page in Page.objects.filter(issue=issue):
                    page.issue = issue
                    self._pages[(issue.pk, page.sort_key)] = page
            self._issues[date] = issue
        return issue

    def page(self, issue: Issue, code: str) -> Page:
        """Return the issue's page, creating it when missing (``issue`` comes from ``issue()``)."""
        code = normalize_page_code(code)
        key = (issue.pk, page_sort_key(code))
        page = self._pages.get(key)
        if page is None:
            # Another process creating the same page meanwhile makes the insert fail;
            # the file is then rolled back and tried again with fresh look-ups.
            page = Page(issue=issue, code=code)
            page.save()
            self._next_order[page.pk] = 0
            self._pages[key] = page
        return page

    def order(self, page: Page) -> int:
        """Return the position of the next article placed on ``page``."""
        if page.pk not in self._next_order:
            last = Article.objects.filter(page=page).order_by("-order").values_list("order", flat=True).first()
            self._next_order[page.pk] = 0 if last is None else last + 1
        order = self._next_order[page.pk]
        self._next_order[page.pk] = order + 1
        return order
