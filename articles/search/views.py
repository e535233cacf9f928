"""Archive search pages: /search/ and an article's RIS citation."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from unionpaper import cache_keys as ck

from ..citations import ris_record
from ..models import Article, Theme
from . import exports, results


def search(request):
    """Show one page of results, or the whole result set as a download (``format``)."""
    ck.depends_on_list(ck.SEARCH)
    fmt = request.GET.get("format")
    if fmt:
        found, articles = results.all_articles(request.GET)
        if not found.errors and not found.empty:
            return exports.response(fmt, articles, absolute=request.build_absolute_uri, query=found.query.raw)
        found.errors = found.errors or ["没有可导出的结果：请先输入检索词。"]
        return render(request, "search/search.html", _context(found), status=400)
    found = results.run(request.GET)
    status = 400 if found.errors else 200
    return render(request, "search/search.html", _context(found), status=status)


def _context(found):
    themes = {}
    if found.matches and found.matches.themes:
        ids = [t for t, _ in found.matches.themes]
        themes = {t.id: t for t in Theme.objects.filter(id__in=ids)}
    theme_facets = [
        (themes[t], n, found.url(theme=themes[t].slug, page=None))
        for t, n in (found.matches.themes if found.matches else [])
        if t in themes
    ]
    year_facets = [
        (year, n, found.url(start=f"{year}-01-01", end=f"{year}-12-31", page=None))
        for year, n in (found.matches.years if found.matches else [])
    ]
    # Results are lists of other pages, not content of their own: followed, never indexed.
    context = {
        "search": found,
        "form": found.form,
        "theme_facets": theme_facets,
        "year_facets": year_facets,
        "noindex": True,
    }
    if found.theme:
        context["clear_theme_url"] = found.url(theme=None, page=None)
    if found.ran:
        current = found.form.cleaned_data.get("sort") if found.form.is_valid() else None
        context["sort_links"] = [
            (label, found.url(sort=value, page=None), value == current)
            for value, label in found.form.fields["sort"].choices
        ]
        context["export_urls"] = {fmt: found.url(format=fmt, page=None) for fmt in ("csv", "json", "ris")}
        if found.page > 1:
            context["prev_page_url"] = found.url(page=found.page - 1)
        if found.page < found.pages:
            context["next_page_url"] = found.url(page=found.page + 1)
    return context


def article_ris(request, pk):
    """Return one published article's citation as a RIS file."""
    article = get_object_or_404(Article.objects.published().with_page(), pk=pk)
    ck.depends_on(article, article.page, article.page.issue)
    ck.depends_on_text(article)  # the record names its themes
    body = ris_record(article, request.build_absolute_uri(article.get_absolute_url()))
    resp = HttpResponse(body, content_type="application/x-research-info-systems; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="article-{article.pk}.ris"'
    return resp
