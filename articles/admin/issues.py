"""Admin for issues and pages: build an issue, its pages and their articles.

Only a 总编 publishes: the "发布整期" action shows what will go live and asks
for confirmation (optionally with a time in the future) before
``articles.publishing.publish_issue`` publishes everything in one transaction.
"""

from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from articles import publishing as services

# Imported first on purpose: it registers article history (photos, themes)
# before the page admin below would register Article without them.
from articles.admin import ADMIN_FORMS_CSS, CompactInlineMixin, HistoryCompareMixin, UnsavedUploadsMixin
from articles.models import Article
from articles.services import can_publish as can_publish_articles
from unionpaper.publishing import Status

from .models import Issue, Page


class PageInline(CompactInlineMixin, admin.TabularInline):
    model = Page
    extra = 0
    fields = ("code", "name", "editor", "image", "pdf", "page_link")
    readonly_fields = ("page_link",)
    show_change_link = True
    # A stored scan shows as its thumbnail, a stored PDF as a short link.
    compact_files = {"image": {"link_text": "版面图", "thumbnail": "thumbnail"}, "pdf": {"link_text": "查看 PDF"}}

    def get_queryset(self, request):
        # Each row's change link shows the page's name, which includes its issue.
        return super().get_queryset(request).select_related("issue")

    @admin.display(description="稿件")
    def page_link(self, page):
        if not page.pk:
            return "保存后可编辑稿件"
        url = reverse("admin:issues_page_change", args=[page.pk])
        return format_html('<a href="{}">编辑本版稿件</a>', url)


class PublishForm(forms.Form):
    """The one question of the confirmation page: now, or at a later time."""

    publish_at = forms.DateTimeField(
        label="定时发布",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="留空即立即发布；填写将来的时间即定时发布，到时自动上线。",
    )


@dataclass
class PublishCheck:
    """An issue's publish plan with what readers would miss: pages, and scans of pages."""

    plan: services.PublishPlan
    pages: list
    unscanned: list  # pages without a scan: readers see 本版暂无版面图 there


def publish_checks(plans) -> list[PublishCheck]:
    """Return, per plan, its pages and those without a scan (one query for all)."""
    pages = defaultdict(list)
    issues = [plan.issue for plan in plans]
    for page in (
        Page.objects.filter(issue__in=issues).order_by("sort_key").only("id", "issue_id", "code", "name", "image")
    ):
        pages[page.issue_id].append(page)
    return [
        PublishCheck(plan=plan, pages=pages[plan.issue.pk], unscanned=[p for p in pages[plan.issue.pk] if not p.image])
        for plan in plans
    ]


@admin.register(Issue)
class IssueAdmin(UnsavedUploadsMixin, HistoryCompareMixin, VersionAdmin):
    list_display = ("date_label", "weekday", "number", "serial", "status", "publish_at", "page_count")
    list_filter = ("status", ("date", admin.DateFieldListFilter))
    date_hierarchy = "date"
    search_fields = ("date", "note")
    ordering = ("-date",)
    inlines = [PageInline]
    actions = ["publish_issues", "unpublish_issues"]
    fieldsets = (
        (None, {"fields": ("date", "number", "serial", "note")}),
        ("发布", {"fields": ("status", "publish_at"), "description": "整期发布请用列表页的“发布整期”操作。"}),
    )

    class Media:
        css = ADMIN_FORMS_CSS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_page_count=Count("pages"))

    def has_publish_permission(self, request):
        return services.can_publish_issue(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not services.can_publish_issue(request.user):
            fields += ["status", "publish_at"]
        return fields

    @admin.action(description="发布整期（含全部稿件）…", permissions=["publish"])
    def publish_issues(self, request, queryset):
        """Ask for confirmation, listing what goes live; then publish each issue."""
        form = PublishForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            at = form.cleaned_data["publish_at"]
            for issue in queryset.order_by("date"):
                try:
                    plan = services.publish_issue(issue=issue, user=request.user, at=at)
                except PermissionDenied as exc:
                    self.message_user(request, str(exc), messages.ERROR)
                    return None
                when = (
                    f"将于 {timezone.localtime(at):%Y年%m月%d日 %H:%M} 上线" if at and at > timezone.now() else "已上线"
                )
                self.message_user(request, f"{issue}{when}，同时发布稿件 {len(plan.to_publish)} 篇。", messages.SUCCESS)
            return None
        plans = [services.publish_plan(issue=issue) for issue in queryset.order_by("date")]
        checks = publish_checks(plans)
        context = {
            **self.admin_site.each_context(request),
            "title": "确认发布整期",
            "opts": self.model._meta,
            "plans": plans,
            "checks": checks,
            "pageless": [c.plan.issue for c in checks if not c.pages],
            "unscanned_issues": [c.plan.issue for c in checks if c.pages and c.unscanned],
            "form": form,
            "queryset": queryset,
            "action_name": "publish_issues",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "status_draft": Status.DRAFT,
        }
        return TemplateResponse(request, "admin/issues/issue/publish_confirmation.html", context)

    @admin.action(description="撤回整期", permissions=["publish"])
    def unpublish_issues(self, request, queryset):
        for issue in queryset:
            services.unpublish_issue(issue=issue, user=request.user)
        self.message_user(request, f"已撤回 {queryset.count()} 期，读者将看不到它们。", messages.SUCCESS)

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
        return format_html(
            '<a href="{}">编辑正文与主题</a>', reverse("admin:articles_article_change", args=[article.pk])
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_publish_articles(request.user) or getattr(request, "restoring_version", None):
            # Arranging a page must not become a back door to publishing, and
            # restoring a page's version does not publish or unpublish either.
            fields.append("status")
        return fields

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and request.user.has_perm("articles.edit_others_articles")

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and request.user.has_perm("articles.edit_others_articles")


@admin.register(Page)
class PageAdmin(UnsavedUploadsMixin, HistoryCompareMixin, VersionAdmin):
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

    class Media:
        css = ADMIN_FORMS_CSS

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        # Count articles for the page list only: the article form's page
        # autocomplete searches this queryset too, and must not join every article.
        if match is not None and match.url_name == "issues_page_changelist":
            queryset = queryset.annotate(_article_count=Count("articles"))
        return queryset

    @admin.display(description="稿件数", ordering="_article_count")
    def article_count(self, page):
        return page._article_count

    @admin.display(description="缩略图")
    def scan_thumbnail(self, page):
        if not page.thumbnail:
            return "—"
        return format_html('<img src="{}" alt="{}" height="60">', page.thumbnail.url, page.label)

    @admin.display(description="版面预览")
    def scan_preview(self, page):
        if not page.image:
            return "尚未上传版面图"
        src = page.thumbnail.url if page.thumbnail else page.image.url
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" width="240"></a>',
            page.image.url,
            src,
            page.label,
        )

    @admin.display(description="图片尺寸")
    def image_size(self, page):
        if not page.image_width:
            return "—"
        return f"{page.image_width} × {page.image_height} 像素"
