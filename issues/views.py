"""Public views of issues and pages: the e-paper (数字报)."""

from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from articles.selectors import on_this_day

from . import selectors
from .models import Issue
from .pdf import issue_pdf
from .renditions import page_renditions


def preview_aware(response, preview: bool):
    """Mark a preview of unpublished content: never cached, never indexed."""
    if preview:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page_context(request, view):
    return {
        "issue": view.issue,
        "page": view.page,
        "pages": view.pages,
        "articles": view.articles,
        "areas": view.areas,
        "previous_page": view.previous_page,
        "next_page": view.next_page,
        "renditions": page_renditions(view.page),
        "preview": view.preview,
        "canonical_url": request.build_absolute_uri(view.page.get_absolute_url()),
    }


@require_safe
def latest(request):
    """Show the latest published issue opened at its first page, with 历史上的今天."""
    issue = Issue.objects.latest_published()
    history = on_this_day(today=timezone.localdate())
    if issue is None:
        return render(request, "issues/no_issue.html", {"history": history})
    view = selectors.page_view(issue=issue, code=None)
    if view is None:
        # An issue published before its pages were added: its contents (none yet), and the way to the one before.
        pages = selectors.issue_pages_with_articles(issue=issue)
        previous_issue, next_issue = selectors.issue_neighbours(issue)
        context = {
            "issue": issue,
            "pages": pages,
            "history": history,
            "previous_issue": previous_issue,
            "next_issue": next_issue,
        }
        return render(request, "issues/issue_detail.html", context)
    context = _page_context(request, view)
    context.update(front=True, history=history)
    return render(request, "issues/page_detail.html", context)


@require_safe
def issue_detail(request, date):
    """Show one issue: 版面导航, every headline by page, 上一期/下一期, the whole-issue PDF."""
    issue = get_object_or_404(selectors.visible_issues(user=request.user), date=date)
    pages = selectors.issue_pages_with_articles(issue=issue, user=request.user)
    previous_issue, next_issue = selectors.issue_neighbours(issue)
    preview = not issue.is_public or any(not a.is_public for p in pages for a in p.visible_articles)
    context = {
        "issue": issue,
        "pages": pages,
        "previous_issue": previous_issue,
        "next_issue": next_issue,
        "has_pdf": any(p.pdf for p in pages),
        "preview": preview,
        "canonical_url": request.build_absolute_uri(issue.get_absolute_url()),
    }
    return preview_aware(render(request, "issues/issue_detail.html", context), preview)


@require_safe
def page_detail(request, date, code):
    """Show one page: the scan with a clickable area per article, its articles, 上一版/下一版."""
    issue = get_object_or_404(selectors.visible_issues(user=request.user), date=date)
    view = selectors.page_view(issue=issue, code=code, user=request.user)
    if view is None:
        raise Http404("本期没有这一版。")
    if view.page.code != code:
        # ``a3`` and ``A3`` reach ``A03``; the address shared is always the printed one.
        return redirect(view.page, permanent=True)
    return preview_aware(render(request, "issues/page_detail.html", _page_context(request, view)), view.preview)


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
    return render(request, "issues/archive.html", {"calendar": selectors.issue_calendar(year=year)})


@require_safe
def robots_txt(request):
    """Tell crawlers what to index and where the sitemap is."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /ckeditor/",
        # Search result pages are endless combinations of the same articles.
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('issues:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Send /favicon.ico, which browsers ask for on pages that name no icon (the admin's), to the paper's icon."""
    response = redirect(static("reader/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"  # the icon's hashed name changes with each release
    return response
