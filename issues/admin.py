"""Admin for issues and pages: build an issue, its pages and their articles."""
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from articles.models import Article

from .models import Issue, Page


class PageInline(admin.TabularInline):
    model = Page
    extra = 0
    fields = ("code", "name", "editor", "image", "pdf", "page_link")
    readonly_fields = ("page_link",)
    show_change_link = True

    @admin.display(description="稿件")
    def page_link(self, page):
        if not page.pk:
            return "保存后可编辑稿件"
        url = reverse("admin:issues_page_change", args=[page.pk])
        return format_html('<a href="{}">编辑本版稿件</a>', url)


@admin.register(Issue)
class IssueAdmin(VersionAdmin):
    list_display = ("date_label", "weekday", "number", "serial", "status", "publish_at", "page_count")
    list_filter = ("status", ("date", admin.DateFieldListFilter))
    date_hierarchy = "date"
    search_fields = ("date", "note")
    ordering = ("-date",)
    inlines = [PageInline]
    fieldsets = (
        (None, {"fields": ("date", "number", "serial", "note")}),
        ("发布", {"fields": ("status", "publish_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_page_count=Count("pages"))

    @admin.display(description="出版日期", ordering="date")
    def date_label(self, issue):
        return issue.date_display

    @admin.display(description="星期")
    def weekday(self, issue):
        return issue.weekday

    @admin.display(description="版数", ordering="_page_count")
    def page_count(self, issue):
        return issue._page_count


class ArticleInline(admin.TabularInline):
    model = Article
    extra = 0
    fields = ("order", "kicker", "headline", "byline", "status", "edit_link")
    readonly_fields = ("edit_link",)
    ordering = ("order", "id")

    @admin.display(description="正文")
    def edit_link(self, article):
        if not article.pk:
            return "保存后可编辑正文"
        return format_html('<a href="{}">编辑正文与主题</a>', reverse("admin:articles_article_change", args=[article.pk]))


@admin.register(Page)
class PageAdmin(VersionAdmin):
    list_display = ("__str__", "issue", "code", "name", "editor", "article_count", "scan_thumbnail")
    list_select_related = ("issue",)
    list_filter = (("issue__date", admin.DateFieldListFilter),)
    search_fields = ("code", "name", "editor", "issue__date")
    date_hierarchy = "issue__date"
    ordering = ("-issue__date", "sort_key")
    autocomplete_fields = ("issue",)
    inlines = [ArticleInline]
    readonly_fields = ("scan_preview", "image_size")
    fieldsets = (
        (None, {"fields": ("issue", "code", "name", "editor")}),
        ("版面图与 PDF", {"fields": ("image", "scan_preview", "image_size", "pdf")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_article_count=Count("articles"))

    @admin.display(description="稿件数", ordering="_article_count")
    def article_count(self, page):
        return page._article_count

    @admin.display(description="缩略图")
    def scan_thumbnail(self, page):
        if not page.thumbnail:
            return "—"
        return format_html('<img src="{}" alt="{}" style="height:60px">', page.thumbnail.url, page.label)

    @admin.display(description="版面预览")
    def scan_preview(self, page):
        if not page.image:
            return "尚未上传版面图"
        src = page.thumbnail.url if page.thumbnail else page.image.url
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" style="max-width:240px;border:1px solid #ccc"></a>',
            page.image.url,
            src,
            page.label,
        )

    @admin.display(description="图片尺寸")
    def image_size(self, page):
        if not page.image_width:
            return "—"
        return f"{page.image_width} × {page.image_height} 像素"
