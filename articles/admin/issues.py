"""Admin for issues (期): an issue and its pages, and publishing it whole.

It lives with the articles, not in ``issues``, because its 发布整期 action
publishes every article of the issue, and ``issues`` never imports ``articles``.
Only a 总编 publishes: the action shows what will go live and asks for
confirmation (optionally with a time in the future) before
``articles.publishing.publish_issue`` publishes everything in one transaction.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from issues.models import Issue, Page
from unionpaper.adminkit import NewsroomAdmin
from unionpaper.adminkit.concurrency import ConcurrentInlineMixin
from unionpaper.adminkit.files import CompactInlineMixin

from .. import publishing, review
from .forms import PublishForm
from .page_upload import upload_pages_view
from .working_copies import PendingChangesFilter, WorkingCopyAdminMixin


class PageInline(ConcurrentInlineMixin, CompactInlineMixin, admin.TabularInline):
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


@dataclass
class PublishCheck:
    """An issue's publish plan with what readers would miss: pages, and scans of pages."""

    plan: publishing.PublishPlan
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


def publish_message(issue, plan) -> str:
    """Say what publishing ``issue`` did: when it is live, and how many articles went live or moved."""
    at = plan.at
    if at and at > timezone.now():
        when = f"将于 {timezone.localtime(at):%Y年%m月%d日 %H:%M} 上线"
    else:
        when = "已上线"
    text = f"{issue}{when}，同时发布稿件 {len(plan.going_live)} 篇"
    if plan.rescheduled:
        text += f"（新上线 {len(plan.to_publish)} 篇，改期 {len(plan.rescheduled)} 篇）"
    if plan.unreviewed:
        text += f"，其中 {len(plan.unreviewed)} 篇未通过{review.stages()[-1].label}"
    return text + "。"


@admin.register(Issue)
class IssueAdmin(WorkingCopyAdminMixin, NewsroomAdmin):
    list_display = (
        "date_label",
        "weekday",
        "number",
        "serial",
        "status",
        "publish_at",
        "page_count",
        "pending_changes",
    )
    list_filter = ("status", ("date", admin.DateFieldListFilter), PendingChangesFilter)
    date_hierarchy = "date"
    search_fields = ("date", "note")
    ordering = ("-date",)
    inlines = [PageInline]
    actions = ["publish_issues", "unpublish_issues", "publish_changes"]
    fieldsets = (
        (None, {"fields": ("date", "number", "serial", "note", "upload_pages_link")}),
        ("发布", {"fields": ("status", "publish_at"), "description": "整期发布请用列表页的“发布整期”操作。"}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_page_count=Count("pages"))

    def has_publish_permission(self, request):
        return publishing.can_publish_issue(request.user)

    def get_urls(self):
        view = self.admin_site.admin_view(partial(upload_pages_view, self))
        name = f"{self.opts.app_label}_{self.opts.model_name}_upload_pages"
        return [path("<path:object_id>/upload-pages/", view, name=name), *super().get_urls()]

    @admin.display(description="整期版面")
    def upload_pages_link(self, issue):
        if not issue or not issue.pk:
            return "保存本期后，可一次上传全部版面的 PDF。"
        url = reverse("admin:issues_issue_upload_pages", args=[issue.pk])
        return format_html(
            '<a class="button" href="{}">上传整期版面</a>（一次上传全部版面 PDF 或 zip，自动建版、生成版面图）', url
        )

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "upload_pages_link"]
        if not publishing.can_publish_issue(request.user):
            fields += ["status", "publish_at"]
        return fields

    @admin.action(description="发布整期（含全部稿件）…", permissions=["publish"])
    def publish_issues(self, request, queryset):
        """Ask for confirmation, listing what changes; then publish (or reschedule) each issue.

        The same step publishes a draft issue, makes a scheduled one immediate
        (time left blank) or moves it to another time, with its articles.
        """
        confirming = "confirm" in request.POST
        form = PublishForm(request.POST if confirming else None)
        if confirming and form.is_valid():
            at = form.cleaned_data["publish_at"]
            for issue in queryset.order_by("date"):
                try:
                    plan = publishing.publish_issue(issue=issue, user=request.user, at=at)
                except PermissionDenied as exc:
                    self.message_user(request, str(exc), messages.ERROR)
                    return None
                self.message_user(request, publish_message(issue, plan), messages.SUCCESS)
            return None
        # A refused time (a bound form with errors) is shown again with the plan for now.
        plans = [publishing.publish_plan(issue=issue) for issue in queryset.order_by("date")]
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
            "unreviewed_issues": [plan for plan in plans if plan.unreviewed],
            "last_stage": review.stages()[-1].label,
        }
        return TemplateResponse(request, "admin/issues/issue/publish_confirmation.html", context)

    @admin.action(description="撤回整期", permissions=["publish"])
    def unpublish_issues(self, request, queryset):
        for issue in queryset:
            publishing.unpublish_issue(issue=issue, user=request.user)
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
