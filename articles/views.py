"""Public views of articles and themes."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from issues.views import preview_aware

from . import selectors
from .citations import gbt7714
from .sanitize import clean_html
from .search.api import back_to_results, highlight_html, result_neighbours
from .text import plain_text

THEME_PAGE_SIZE = 20
SUMMARY_CHARS = 120


@require_safe
def article_detail(request, pk):
    """Show one article; arriving from a search (``?q=``), mark the query's terms."""
    article = selectors.article_for_reading(pk=pk, user=request.user)
    if article is None:
        raise Http404("没有这篇文章，或它尚未发布。")
    previous_article, next_article = selectors.reading_neighbours(article, user=request.user)
    query = request.GET.get("q", "").strip()
    cleaned = clean_html(article.body)  # stored clean; cleaned again on the way out
    body_html = highlight_html(cleaned, query) if query else mark_safe(cleaned)
    search_previous, search_next = result_neighbours(request.GET, article)
    preview = not (article.is_public and article.page.issue.is_public)
    context = {
        "article": article,
        "page": article.page,
        "issue": article.page.issue,
        "body_html": body_html,
        "summary": Truncator(" ".join(plain_text(cleaned, paragraph="").split())).chars(SUMMARY_CHARS),
        "query": query,
        "themes": article.theme_list,
        "images": article.photos,
        "previous_article": previous_article,
        "next_article": next_article,
        "search_previous": search_previous,
        "search_next": search_next,
        "search_back": back_to_results(request.GET) if query or search_previous or search_next else "",
        "related": selectors.related_by_theme(article, article.theme_list),
        "gbt7714": gbt7714(article),
        "preview": preview,
        "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
    }
    return preview_aware(render(request, "articles/article_detail.html", context), preview)


@require_safe
def theme_list(request):
    """Show every theme that has published articles, with how many."""
    return render(request, "articles/theme_list.html", {"themes": selectors.themes_with_counts()})


@require_safe
def theme_detail(request, slug):
    """Show one theme's published articles, newest first, paginated."""
    theme = selectors.public_theme(slug)
    if theme is None:
        raise Http404("没有这个主题，或它还没有已发布的文章。")
    paginator = Paginator(selectors.theme_headlines(theme), THEME_PAGE_SIZE)
    paginator.count = theme.article_count  # counted already by public_theme
    page_obj = paginator.get_page(request.GET.get("page"))
    context = {
        "theme": theme,
        "page_obj": page_obj,
        "articles": list(page_obj.object_list),
        "canonical_url": request.build_absolute_uri(request.path),
    }
    return render(request, "articles/theme_detail.html", context)
