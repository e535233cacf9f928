"""The paper's URLs plus reference views under ``/_bench/``.

- ``trivial/``: a response with no database and no template, the ceiling of
  Django itself on this machine.
- ``one-query/``: one article fetched by primary key through the ORM, no template.
- ``template-only/``: the article page's template rendered from a context
  built once, no database.

The two references bound what an uncached article view can reach with the
ORM and the template language, whatever the view does.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache

from articles import selectors
from articles.citations import gbt7714
from articles.models import Article
from unionpaper.urls import urlpatterns as paper_urlpatterns

_article_context = {}


@never_cache
def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def one_query(request):
    article = Article.objects.get(pk=request.GET.get("pk", 14))
    return HttpResponse(article.headline, content_type="text/plain")


@never_cache
def template_only(request):
    if not _article_context:
        article = selectors.article_for_reading(pk=int(request.GET.get("pk", 14)))
        previous_article, next_article = selectors.reading_neighbours(article)
        _article_context.update(
            article=article,
            page=article.page,
            issue=article.page.issue,
            body_html=article.body,
            summary="",
            query="",
            themes=article.theme_list,
            images=article.photos,
            previous_article=previous_article,
            next_article=next_article,
            related=selectors.related_by_theme(article, article.theme_list),
            gbt7714=gbt7714(article),
            canonical_url="http://127.0.0.1/",
        )
    return render(request, "articles/article_detail.html", _article_context)


urlpatterns = [
    path("_bench/trivial/", trivial),
    path("_bench/one-query/", one_query),
    path("_bench/template-only/", template_only),
    *paper_urlpatterns,
]
