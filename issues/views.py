"""Public views of issues and pages."""
from django.shortcuts import get_object_or_404, redirect, render

from .models import Issue, Page


def latest(request):
    issue = Issue.objects.latest_published()
    if issue is None:
        return render(request, "issues/no_issue.html")
    page = issue.pages.in_order().first()
    return redirect(page if page else issue)


def issue_detail(request, date):
    issue = get_object_or_404(Issue.objects.published(), date=date)
    pages = issue.pages.in_order()
    return render(request, "issues/issue_detail.html", {"issue": issue, "pages": pages})


def page_detail(request, date, code):
    page = get_object_or_404(Page.objects.published().select_related("issue"), issue__date=date, code=code)
    return render(request, "issues/page_detail.html", {"page": page, "issue": page.issue})
