"""Public views of articles."""
from django.shortcuts import get_object_or_404, render

from .models import Article


def article_detail(request, pk):
    article = get_object_or_404(Article.objects.published().with_page(), pk=pk)
    return render(request, "articles/article_detail.html", {"article": article})
