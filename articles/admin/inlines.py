"""Tables inside the admin's forms: the photos of an article, the articles of a page."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from unionpaper.adminkit.concurrency import ConcurrentInlineMixin
from unionpaper.adminkit.files import CompactInlineMixin

from .. import services
from ..models import Article, ArticleImage


class ArticleImageInline(ConcurrentInlineMixin, CompactInlineMixin, admin.TabularInline):
    model = ArticleImage
    extra = 0
    # The photo's own column shows it small, linked to the full image.
    fields = ("order", "image", "caption", "credit")
    compact_files = {"image": {"link_text": "查看图片", "preview": True}}
    readonly_fields = ("photo",)

    def get_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only: the photo itself, not its stored file name.
            return ("order", "photo", "caption", "credit")
        # Through the mixins: each photo row carries its version, so a stale row is refused like the article.
        return super().get_fields(request, obj)

    @admin.display(description="图片")
    def photo(self, image):
        if not image.image:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" width="240"></a>',
            image.image.url,
            image.image.url,
            image.caption,
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or services.can_edit(request.user, obj))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or services.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or services.can_edit(request.user, obj))


class ArticleInline(ConcurrentInlineMixin, admin.TabularInline):
    """The articles of a page, arranged on the page's form; the body is edited on the article's own form.

    Each row carries the article's hot areas in a hidden box, which the page
    form's hot-area editor fills (``articles/admin/hot_area_editor.py``).
    """

    model = Article
    extra = 0
    fields = ("order", "kicker", "headline", "byline", "status", "edit_link", "hot_areas")
    readonly_fields = ("edit_link",)
    ordering = ("order", "id")

    def get_queryset(self, request):
        return super().get_queryset(request).untrashed()  # a story in the 回收站 is off the page's table

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if "hot_areas" in fields and not self.has_change_permission(request, obj):
            fields.remove("hot_areas")  # shown read-only in the editor, not as a column of JSON
        return fields

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "hot_areas":
            kwargs["widget"] = forms.HiddenInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="正文")
    def edit_link(self, article):
        if not article.pk:
            return "保存后可编辑正文"
        return format_html(
            '<a href="{}">编辑正文与主题</a>', reverse("admin:articles_article_change", args=[article.pk])
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not services.can_publish(request.user) or getattr(request, "restoring_version", None):
            # Arranging a page must not become a back door to publishing, and
            # restoring a page's version does not publish or unpublish either.
            fields.append("status")
        return fields

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and request.user.has_perm(services.EDIT_OTHERS_PERMISSION)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and request.user.has_perm(services.EDIT_OTHERS_PERMISSION)
