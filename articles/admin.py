"""Admin for articles and themes: where editors write and arrange copy."""
from django import forms
from django.contrib import admin
from django.db.models import Count
from django.http import JsonResponse
from django.urls import path
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from .models import Article, ArticleImage, Theme


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    extra = 0
    fields = ("order", "image", "caption", "credit", "preview")
    readonly_fields = ("preview",)

    @admin.display(description="预览")
    def preview(self, image):
        if not image.pk or not image.image:
            return "—"
        return format_html('<img src="{}" alt="{}" style="max-height:80px">', image.image.url, image.caption)


class ThemeWidget(forms.TextInput):
    """Text input for themes that suggests existing themes as the editor types."""

    template_name = "articles/widgets/theme.html"

    class Media:
        js = ("articles/theme_autocomplete.js",)

    def format_value(self, value):
        from .themes import format_themes

        if value is not None and not isinstance(value, str):
            return format_themes([getattr(v, "tag", v) for v in value])
        return value


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = "__all__"
        widgets = {"themes": ThemeWidget(attrs={"size": 60})}


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
        from issues.models import Page

        codes = Page.objects.values_list("code", "sort_key").distinct().order_by("sort_key")
        seen = {}
        for code, _ in codes:
            seen.setdefault(code, None)
        return [(c, f"第{c}版") for c in seen]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(page__code=self.value())
        return queryset


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    list_display = ("headline", "kicker", "issue_date", "page_code", "author_names", "status", "publish_at", "updated_at")
    list_display_links = ("headline",)
    list_select_related = ("page", "page__issue")
    list_filter = ("status", ("page__issue__date", admin.DateFieldListFilter), PageCodeFilter, ThemeFilter)
    search_fields = ("headline", "kicker", "subtitle", "author_names", "byline")
    search_help_text = "按标题、引题、副标题或作者搜索（作者名不必带空格）。"
    date_hierarchy = "page__issue__date"
    ordering = ("-page__issue__date", "page__sort_key", "order")
    autocomplete_fields = ("page",)
    inlines = [ArticleImageInline]
    readonly_fields = ("byline_parts", "citation", "created_by", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("page", "order", "kicker", "headline", "subtitle")}),
        ("署名", {"fields": ("byline", "byline_parts")}),
        ("正文", {"fields": ("body", "themes")}),
        (
            "版面热区",
            {
                "classes": ("collapse",),
                "description": "稿件在版面图上的位置，以版面宽高的百分比表示，读者点击该区域即打开本稿。",
                "fields": (("area_left", "area_top"), ("area_width", "area_height")),
            },
        ),
        ("发布", {"fields": ("status", "publish_at")}),
        ("记录", {"classes": ("collapse",), "fields": ("citation", "created_by", "created_at", "updated_at")}),
    )

    def get_search_results(self, request, queryset, search_term):
        from .bylines import normalize_name

        # Names are stored without spaces; let "刘 飞" find 刘飞 too.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        compact = normalize_name(search_term)
        if compact and compact != search_term.strip():
            queryset |= self.model.objects.filter(author_names__contains=compact)
        return queryset, may_have_duplicates

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="出版日期", ordering="page__issue__date")
    def issue_date(self, article):
        return article.page.issue.date_display

    @admin.display(description="版次", ordering="page__sort_key")
    def page_code(self, article):
        return article.page.code

    @admin.display(description="拆分结果")
    def byline_parts(self, article):
        if not article.byline:
            return "—"
        return format_html(
            "身份：{}　职务：{}　作者：{}",
            article.byline_role or "—",
            article.author_title or "—",
            article.author_names or "—",
        )

    @admin.display(description="引用")
    def citation(self, article):
        return article.citation if article.page_id else "—"


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
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
