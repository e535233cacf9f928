"""Public views of articles and themes, and of the e-paper (数字报) pages that show them.

The latest issue, an issue and a page show an issue's pages with their
articles, so they live here, above both apps; ``unionpaper/urls.py`` mounts
them under the ``issues`` namespace beside the views of issues alone.
"""

from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from issues import selectors as issue_selectors
from issues.models import Issue
from issues.renditions import page_renditions
from unionpaper import cache_keys as ck
from unionpaper.deepzoom import deep_zoom
from unionpaper.previews import preview_aware
from unionpaper.renditions import Ladder, image_ladder

from . import selectors, sharing, working_copies
from .citations import gbt7714
from .sanitize import clean_html
from .search.api import back_to_results, highlight_html, number_marks, result_neighbours
from .text import plain_text

THEME_PAGE_SIZE = 20
SUMMARY_CHARS = 120
# What a query string keeps unencoded when carried into a redirect (the set of Django's iri_to_uri).
QUERY_SAFE = "/#%[]=:;$&()+,!?*@'~"
# Page-strip thumbnails are shown 3.5rem (56 CSS px) wide: 160 px at 2x, 240 px (the whole thumbnail) at 3x.
STRIP_WIDTHS = (160, 240)


def with_working_copies(view):
    """Show previewing staff the public page as it will be once the pending working copies are published.

    The copies are written into the tables inside a sandbox that is rolled
    back after the page is rendered; the page is never cached, and readers
    (and the page cache) see only the live rows.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        copies = working_copies.preview_copies(request.user)
        if not copies:
            return view(request, *args, **kwargs)
        request.previewing_changes = True
        with working_copies.applied(copies):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return preview_aware(response, True)

    return wrapped


def page_strip(pages) -> list[tuple]:
    """Return ``(page, ladder of its thumbnail or None)`` for 版面导航."""
    return [(p, image_ladder(p.thumbnail.name, widths=STRIP_WIDTHS) if p.thumbnail else None) for p in pages]


def _page_description(view) -> str:
    issue, page = view.issue, view.page
    where = f"《{settings.PAPER_NAME}》{issue.date_display}第{page.code}版" + (f"（{page.name}）" if page.name else "")
    return where + "：" + "；".join(a.headline for a in view.articles[:4])


def _page_context(request, view, *, url=None):
    url = url or request.build_absolute_uri(view.page.get_absolute_url())
    title = f"{view.page.label} - {view.issue.date_display} - 《{settings.PAPER_NAME}》"
    return {
        "issue": view.issue,
        "page": view.page,
        "pages": view.pages,
        "articles": view.articles,
        "areas": view.areas,
        "previous_page": view.previous_page,
        "next_page": view.next_page,
        "strip": page_strip(view.pages),
        "scan": Ladder(page_renditions(view.page)),
        "deepzoom": deep_zoom(view.page.image.name if view.page.image else ""),
        "preview": view.preview,
        "canonical_url": url,
        "share": sharing.page_share(request, view.page, title=title, description=_page_description(view), url=url),
    }


@require_safe
@with_working_copies
def latest(request):
    """Show the latest published issue opened at its first page, with 历史上的今天."""
    ck.depends_on_list(ck.LATEST_ISSUE)
    issue = Issue.objects.latest_published()
    history = selectors.on_this_day(today=timezone.localdate())
    if issue is None:
        return render(request, "issues/no_issue.html", {"history": history})
    view = selectors.page_view(issue=issue, code=None)
    if view is None:
        # An issue published before its pages were added: its contents (none yet), and the way to the one before.
        pages = selectors.issue_pages_with_articles(issue=issue)
        previous_issue, next_issue = issue_selectors.issue_neighbours(issue)
        context = {
            "issue": issue,
            "pages": pages,
            "history": history,
            "previous_issue": previous_issue,
            "next_issue": next_issue,
        }
        return render(request, "issues/issue_detail.html", context)
    # The home page's own address is its canonical one, as the sitemap lists it.
    context = _page_context(request, view, url=request.build_absolute_uri(reverse("issues:latest")))
    context.update(front=True, history=history)
    # The page view reads the session (a signed-in editor may preview); the same page here depends on it
    # alike, and says so as the page view does: the session middleware adds the same Vary, in the same place.
    request.session.accessed = True
    return render(request, "issues/page_detail.html", context)


@require_safe
@with_working_copies
def issue_detail(request, date):
    """Show one issue: 版面导航, every headline by page, 上一期/下一期, the whole-issue PDF."""
    issue = get_object_or_404(issue_selectors.visible_issues(user=request.user), date=date)
    pages = selectors.issue_pages_with_articles(issue=issue, user=request.user)
    previous_issue, next_issue = issue_selectors.issue_neighbours(issue)
    preview = not issue.is_public or any(not a.is_public for p in pages for a in p.visible_articles)
    context = {
        "issue": issue,
        "pages": pages,
        "previous_issue": previous_issue,
        "next_issue": next_issue,
        "has_pdf": any(p.pdf for p in pages),
        "preview": preview,
        "canonical_url": request.build_absolute_uri(issue.get_absolute_url()),
        "share": sharing.issue_share(
            request,
            issue,
            pages,
            description=f"《{settings.PAPER_NAME}》{issue.date_display}{issue.number_display}共{len(pages)}版："
            + "、".join(p.label for p in pages),
        ),
    }
    return preview_aware(render(request, "issues/issue_detail.html", context), preview)


@require_safe
@with_working_copies
def page_detail(request, date, code):
    """Show one page: the scan with a clickable area per article, its articles, 上一版/下一版."""
    issue = get_object_or_404(issue_selectors.visible_issues(user=request.user), date=date)
    view = selectors.page_view(issue=issue, code=code, user=request.user)
    if view is None:
        raise Http404("本期没有这一版。")
    if view.page.code != code:
        # ``a3`` and ``A3`` reach ``A03``; the address shared is always the printed one,
        # with the query the link carried (a campaign tag, a search's words) byte for
        # byte: WSGI hands it over as Latin-1, and bytes beyond ASCII are %-encoded.
        query = quote(request.META.get("QUERY_STRING", "").encode("iso-8859-1"), safe=QUERY_SAFE)
        return HttpResponsePermanentRedirect(view.page.get_absolute_url() + (f"?{query}" if query else ""))
    return preview_aware(render(request, "issues/page_detail.html", _page_context(request, view)), view.preview)


@require_safe
@with_working_copies
def article_detail(request, pk):
    """Show one article; arriving from a search (``?q=``), mark the query's terms."""
    article = selectors.article_for_reading(pk=pk, user=request.user)
    if article is None:
        raise Http404("没有这篇文章，或它尚未发布。")
    previous_article, next_article = selectors.reading_neighbours(article, user=request.user)
    query = request.GET.get("q", "").strip()
    cleaned = clean_html(article.body)  # stored clean; cleaned again on the way out
    body_html, hits = number_marks(highlight_html(cleaned, query)) if query else (mark_safe(cleaned), 0)
    search_previous, search_next = result_neighbours(request.GET, article)
    if request.GET:  # arriving from a search: 上一条/下一条 and the way back follow its results
        ck.depends_on_list(ck.SEARCH)
    preview = not (article.is_public and article.page.issue.is_public)
    summary = Truncator(" ".join(plain_text(cleaned, paragraph="").split())).chars(SUMMARY_CHARS)
    context = {
        "article": article,
        "page": article.page,
        "issue": article.page.issue,
        "body_html": body_html,
        "summary": summary,
        "query": query,
        "hits": hits,
        "themes": article.theme_list,
        "images": article.photos,
        "photos": [(photo, image_ladder(photo.image.name)) for photo in article.photos],
        "previous_article": previous_article,
        "next_article": next_article,
        "search_previous": search_previous,
        "search_next": search_next,
        "search_back": back_to_results(request.GET) if query or search_previous or search_next else "",
        "related": selectors.related_by_theme(article, article.theme_list),
        "gbt7714": gbt7714(article),
        "preview": preview,
        "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
        "share": sharing.article_share(
            request, article, summary=summary, photos=article.photos, themes=article.theme_list
        ),
    }
    return preview_aware(render(request, "articles/article_detail.html", context), preview)


@require_safe
def theme_list(request):
    """Show every theme that has published articles, with how many."""
    context = {"themes": selectors.themes_with_counts(), "canonical_url": request.build_absolute_uri(request.path)}
    return render(request, "articles/theme_list.html", context)


@require_safe
def theme_detail(request, slug):
    """Show one theme's published articles, newest first, paginated."""
    theme = selectors.public_theme(slug)
    if theme is None:
        raise Http404("没有这个主题，或它还没有已发布的文章。")
    paginator = Paginator(selectors.theme_headlines(theme), THEME_PAGE_SIZE)
    paginator.count = theme.article_count  # counted already by public_theme
    page_obj = paginator.get_page(request.GET.get("page"))
    articles = list(page_obj.object_list)
    selectors.depends_on_headlines(articles)
    context = {
        "theme": theme,
        "page_obj": page_obj,
        "articles": articles,
        "canonical_url": request.build_absolute_uri(request.path),
        "share": sharing.theme_share(request, theme, url=request.build_absolute_uri(request.path)),
    }
    return render(request, "articles/theme_detail.html", context)
