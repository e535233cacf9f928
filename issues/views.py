"""Public views of issues alone: 往期回顾 and the whole-issue PDF.

The pages that show an issue with its articles (the latest issue, an issue,
a page) are ``articles.views``; the site mounts both under the ``issues``
namespace (``unionpaper/urls.py``).
"""

from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from unionpaper.previews import preview_aware

from . import selectors
from .pdf import issue_pdf


@require_safe
def issue_pdf_download(request, date):
    """Send the reader to the whole issue as one PDF, joining the page PDFs the first time."""
    issue = get_object_or_404(selectors.visible_issues(user=request.user), date=date)
    pages = list(issue.pages.in_order().only("id", "issue_id", "pdf", "sort_key"))
    name = issue_pdf(issue, pages)
    if name is None:
        raise Http404("本期没有 PDF 版面。")
    response = redirect(default_storage.url(name))
    return preview_aware(response, not issue.is_public)


class BadYear(ValueError):
    pass


def _year(raw):
    if raw in (None, ""):
        return None
    try:
        year = int(raw)
    except ValueError:
        raise BadYear(f"年份“{raw}”不是数字，请写成四位数的年份，如 2023。") from None
    if not 1900 <= year <= 2200:
        raise BadYear(f"年份 {year} 不在 1900 至 2200 之间。")
    return year


@require_safe
def issue_archive(request):
    """Show 往期回顾: every published issue of a year as month calendars (``?year=2023``)."""
    try:
        year = _year(request.GET.get("year"))
    except BadYear as exc:
        cal = selectors.issue_calendar()
        return render(request, "issues/archive.html", {"calendar": cal, "error": str(exc)}, status=400)
    # A year's calendar is its own page; without ?year it is the archive's own address, as the sitemap lists it.
    canonical = request.path + (f"?year={year}" if year else "")
    context = {"calendar": selectors.issue_calendar(year=year), "canonical_url": request.build_absolute_uri(canonical)}
    return render(request, "issues/archive.html", context)
