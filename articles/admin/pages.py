"""Admin for pages (版): a page's scan and PDF, together with the articles printed on it.

It lives with the articles, not in ``issues``, because the page form edits
the page's articles in a table, and ``issues`` never imports ``articles``.
"""

from functools import partial

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import path
from django.utils.html import format_html

from issues.models import Page
from unionpaper.adminkit import NewsroomAdmin

from .. import working_copies as wc
from ..hotareas import service as hot_areas
from ..models import Article
from . import hot_area_editor
from .inlines import ArticleInline
from .pool import PagePlacementForm, PagePlacementMixin
from .working_copies import PendingChangesFilter, WorkingCopyAdminMixin

# What someone who may not publish is told when a page would reach readers straight from their form.
LIVE_ISSUE_REFUSAL = (
    "本期已发布：放入本期的版面会立即让读者看到，须经总编。请在本期的表单中添加版面，保存为待发布的修改，由总编发布。"
)


class PageForm(hot_area_editor.DraftAreasFormMixin, PagePlacementForm):
    """The page's fields, the stories to place and take off, and the areas of drafts started from regions."""

    #: False when the save goes straight to the tables and its user may not publish (PageAdmin.get_form).
    may_go_live = True

    def clean_issue(self):
        issue = self.cleaned_data.get("issue")
        moved_in = self.instance.pk is None or self.instance.issue_id != getattr(issue, "pk", None)
        if not self.may_go_live and issue is not None and moved_in and wc.is_published(issue):
            raise ValidationError(LIVE_ISSUE_REFUSAL, code="live_issue")
        return issue


@admin.register(Page)
class PageAdmin(WorkingCopyAdminMixin, PagePlacementMixin, NewsroomAdmin):
    list_display = ("__str__", "issue", "code", "name", "editor", "article_count", "scan_thumbnail", "pending_changes")
    list_select_related = ("issue",)
    list_filter = (("issue__date", admin.DateFieldListFilter), PendingChangesFilter)
    actions = ["publish_changes"]
    search_fields = ("code", "name", "editor", "issue__date")
    date_hierarchy = "issue__date"
    ordering = ("-issue__date", "sort_key")
    autocomplete_fields = ("issue",)
    inlines = [ArticleInline]
    form = PageForm
    change_form_template = "admin/issues/page/change_form.html"
    readonly_fields = ("scan_preview", "image_size")
    fieldsets = (
        (None, {"fields": ("issue", "code", "name", "editor")}),
        ("版面图与 PDF", {"fields": ("image", "scan_preview", "image_size", "pdf")}),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        # Count articles for the page list only: the article form's page
        # autocomplete searches this queryset too, and must not join every article.
        if match is not None and match.url_name == "issues_page_changelist":
            queryset = queryset.annotate(_article_count=Count("articles"))
        return queryset

    def get_urls(self):
        opts = self.opts
        name = f"{opts.app_label}_{opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/hot-areas/suggestions/",
                wrap(partial(hot_area_editor.suggestions_view, self)),
                name=f"{name}_hot_area_suggestions",
            ),
            path(
                "<path:object_id>/hot-areas/story/",
                wrap(partial(hot_area_editor.story_view, self)),
                name=f"{name}_story_from_region",
            ),
            *super().get_urls(),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and hot_area_editor.can_edit_areas(request, self, obj):
            form = type(form.__name__, (form,), {"edits_areas": True})
        # A page of a published issue saves into the issue's working copy; a page added or moved into one would not.
        if not wc.can_publish_changes(request.user, Page()) and not wc.goes_to_copy(request.user, obj):
            form = type(form.__name__, (form,), {"may_go_live": False})
        return form

    def has_delete_permission(self, request, obj=None):
        # Deleting a page of a published issue takes it from readers: the 总编's, or an issue working copy's.
        if obj is not None and wc.goes_to_copy(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The hot-area editor: on the form itself, not on a version restored from the history.
        if change and obj is not None and not getattr(request, "restoring_version", None):
            articles = next(
                (f for f in context.get("inline_admin_formsets") or [] if isinstance(f.opts, ArticleInline)), None
            )
            if articles is not None:
                editable = articles.has_change_permission and hot_area_editor.can_edit_areas(request, self, obj)
                page_form = context["adminform"].form if context.get("adminform") else None
                data = hot_area_editor.editor_data(obj, articles.formset, editable=editable, form=page_form)
                context["hot_area_editor"] = data
                context["hot_area_editor_no_scan"] = data is None
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_formset(self, request, form, formset, change):
        # An article added in the page's table is the work of whoever saves the page, as on its own form.
        for sub in formset.forms:
            instance = sub.instance
            if isinstance(instance, Article) and instance.pk is None and instance.created_by_id is None:
                instance.created_by = request.user
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the article table: a region taken from an article there leaves it in the same save.
        hot_areas.draft_areas_save(rows=form.cleaned_data.get(hot_area_editor.DRAFT_AREAS) or [])

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
