"""Filters of the article list: by theme and by page code."""

from django.contrib import admin

from issues.models import Page

from ..models import Theme


class ThemeFilter(admin.SimpleListFilter):
    title = "主题"
    parameter_name = "theme"

    def lookups(self, request, model_admin):
        return [(t.slug, t.name) for t in Theme.objects.order_by("name")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(themes__slug=self.value())
        return queryset


class PageCodeFilter(admin.SimpleListFilter):
    title = "版次"
    parameter_name = "page_code"

    def lookups(self, request, model_admin):
        codes = Page.objects.values_list("code", "sort_key").distinct().order_by("sort_key")
        seen = {}
        for code, _ in codes:
            seen.setdefault(code, None)
        return [(c, f"第{c}版") for c in seen]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(page__code=self.value())
        return queryset
