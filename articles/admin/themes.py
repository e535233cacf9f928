"""Admin for themes (主题): the list with article counts, and the suggestions the article form asks for."""

from django.contrib import admin
from django.db.models import Count
from django.http import JsonResponse
from django.urls import path

from unionpaper.adminkit import NewsroomAdmin

from ..models import Theme


@admin.register(Theme)
class ThemeAdmin(NewsroomAdmin):
    list_display = ("name", "slug", "article_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_article_count=Count("tagged_articles"))

    @admin.display(description="稿件数", ordering="_article_count")
    def article_count(self, theme):
        return theme._article_count

    def get_urls(self):
        return [
            path("suggest/", self.admin_site.admin_view(self.suggest_view), name="articles_theme_suggest"),
            *super().get_urls(),
        ]

    def suggest_view(self, request):
        """Return up to 20 theme names starting with (or containing) ``q``, as JSON."""
        term = request.GET.get("q", "").strip()[:50]
        names = list(Theme.objects.suggest(term)) if term else []
        return JsonResponse({"results": names})
