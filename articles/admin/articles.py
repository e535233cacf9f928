"""Admin for articles and themes: where editors write and arrange copy.

What each newsroom role (issues migration 0002) may do is enforced here:
a 记者 sees and changes only own drafts and can submit them; a 编辑 changes
any article but cannot publish; only the 总编 publishes, unpublishes and
schedules. The rules themselves live in ``articles.services``.
"""

import difflib
import os
from contextlib import nullcontext

import reversion
from csp.decorators import csp_update
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten, quote, unquote
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connections, models, transaction
from django.db.models import Count
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.utils import flatatt
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion.admin import VersionAdmin, _RollBackRevisionView
from reversion.errors import RevertError
from reversion.models import Version
from reversion.utils import mute_signals

from unionpaper import history
from unionpaper.admin_scale import EstimatedCountPaginator
from unionpaper.publishing import Publishable, Status

from . import services
from .models import Article, ArticleImage, Theme, ThemedArticle

# CKEditor 4 writes inline styles and inline event handlers (its toolbar's
# onclick="CKEDITOR.tools.callFunction(…)") into the page and its editing
# frame. Allow exactly those on the views that show the editor and nowhere
# else; inline <script> elements stay forbidden even here, and what reaches
# the editor from the database has already been sanitized.
CKEDITOR_CSP = {
    "style-src": ["'unsafe-inline'"],
    "script-src-attr": ["'unsafe-inline'"],
    "img-src": ["data:", "blob:"],
}


# The admin lists at most this many newest matches of a search.
ADMIN_SEARCH_LIMIT = 10_000


class HistoryCompareMixin:
    """Add "compare two versions" to django-reversion's history page, and restore safely.

    A restore (历史 → a version → 保存) goes through ``unionpaper.history.restore``:
    it deletes nothing added since and keeps the publication state.
    """

    object_history_template = "admin/history/object_history.html"
    revision_form_template = "admin/history/revision_form.html"
    history_latest_first = True

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="%s_%s_compare" % info,
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        versions = list(
            self._reversion_order_version_queryset(Version.objects.get_for_object(obj).select_related("revision__user"))
        )
        info = self.admin_site.name, self.model._meta.app_label, self.model._meta.model_name
        for version in versions:
            version.revert_url = reverse("%s:%s_%s_revision" % info, args=[quote(version.object_id), version.pk])
        context = {
            "versions": versions,
            "compare_url": reverse(
                f"{self.admin_site.name}:{self.model._meta.app_label}_{self.model._meta.model_name}_compare",
                args=[object_id],
            ),
        }
        context.update(extra_context or {})
        return super().history_view(request, object_id, context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # django-reversion reverts first and keeps the revert whenever the
        # change form answers with a redirect, which the admin also does for
        # an object outside the user's queryset. Check before anything moves.
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        allowed = self.has_change_permission if request.method == "POST" else self.has_view_or_change_permission
        if not allowed(request, obj):
            raise PermissionDenied
        return super().revision_view(request, object_id, version_id, extra_context)

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        """django-reversion 6.0's view (reversion/admin.py) with ``history.restore`` for its revert.

        Reversion's own view calls ``version.revision.revert(delete=True)``,
        which deletes pages, articles and photos added since the version and
        brings back the old publication state; it offers no hook to change
        that, so the view is copied here (keep in step when upgrading
        django-reversion; tests/workflow/test_history_restore.py covers it).
        The rest is as in reversion: look (GET) inside a transaction that is
        rolled back, with model signals muted; keep the restore (POST) only
        when the change form saved and redirects.
        """
        if not connections[version.db].features.uses_savepoints:
            raise ImproperlyConfigured("Cannot use VersionAdmin with a database that does not support savepoints.")
        muted = (pre_save, post_save, pre_delete, post_delete, m2m_changed)
        signal_context = mute_signals(*muted) if request.method == "GET" else nullcontext()
        current = version.object
        context = {
            "restore_version": version,
            "kept_since": history.added_since(version),
            "publication_state": history.publication_state(current) if current is not None else "",
            "is_publishable": issubclass(self.model, Publishable),
            **(extra_context or {}),
        }
        # Read by get_readonly_fields: status and publication time are not the restore's to change.
        request.restoring_version = version
        try:
            with transaction.atomic(using=version.db), signal_context:
                context["restored"] = history.restore(version)
                with self.create_revision(request):
                    response = self.changeform_view(request, quote(version.object_id), request.path, context)
                    if request.method == "POST" and response.status_code == 302:
                        said = self._restore_message(version, context)
                        reversion.set_comment(said)
                        messages.success(request, said)
                    elif response.status_code == 200:
                        response.template_name = template_name
                        response.render()  # now, while the restored rows are still there
                        raise _RollBackRevisionView(response)
                    else:
                        raise RevertError(f"无法载入“{version.object_repr}”的这个版本：找不到该内容。")
        except (RevertError, models.ProtectedError) as ex:
            opts = self.model._meta
            messages.error(request, str(ex))
            return redirect(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")
        except _RollBackRevisionView as ex:
            return ex.response
        return response

    def _restore_message(self, version, context) -> str:
        when = timezone.localtime(version.revision.date_created)
        parts = [f"已恢复为 {when:%Y年%m月%d日 %H:%M:%S} 保存的版本。"]
        if context["is_publishable"]:
            state = context["publication_state"]
            parts.append(f"发布状态未变（{state}）。" if state else "恢复的内容为草稿，未发布。")
        if context["kept_since"]:
            names = "、".join(f"{o._meta.verbose_name}“{o}”" for o in context["kept_since"])
            parts.append(f"此后新增的内容已保留，没有删除：{names}。")
        skipped = context["restored"].skipped
        if skipped:
            parts.append(
                f"以下内容未能恢复（已有冲突的内容或依赖已删除）：{'、'.join(v.object_repr for v in skipped)}。"
            )
        return "".join(parts)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if getattr(request, "restoring_version", None) and issubclass(self.model, Publishable):
            fields += [f for f in ("status", "publish_at") if f not in fields]
        return fields

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "publish_at":
            kwargs.setdefault("form_class", history.PublishTimeField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The time box shows minutes only: an untouched time keeps its seconds.
        if change and "publish_at" in form.fields and "publish_at" not in form.changed_data:
            obj.publish_at = form.initial.get("publish_at")
        super().save_model(request, obj, form, change)

    def recover_view(self, request, version_id, extra_context=None):
        # Recovering a deleted row re-creates it: only for those who may delete
        # (and so also re-create) rows of this kind outright.
        if not (self.has_add_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not (self.has_add_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def compare_view(self, request, object_id):
        """Show two versions of one object side by side, field by field."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        try:
            ids = sorted(int(request.GET[k]) for k in ("a", "b"))
        except (KeyError, ValueError):
            messages.error(request, "请在历史记录中选择两个版本再对比。")
            return self.history_view(request, object_id)
        old = get_object_or_404(versions, pk=ids[0])
        new = get_object_or_404(versions, pk=ids[1])
        rows = compare_versions(self.model, old, new)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object": obj,
            "title": f"对比版本：{obj}",
            "old": old,
            "new": new,
            "rows": rows,
            "changed": [r for r in rows if r["changed"]],
            "history_url": reverse(
                f"{self.admin_site.name}:{self.model._meta.app_label}_{self.model._meta.model_name}_history",
                args=[object_id],
            ),
        }
        return TemplateResponse(request, "admin/history/compare.html", context)


def _related_summary(version, model, fk_name, describe):
    """Return a sorted text list of the ``model`` rows saved with ``version``."""
    items = []
    for v in version.revision.version_set.all():
        if v.content_type.model_class() is not model:
            continue
        data = v.field_dict
        if str(data.get(fk_name)) == str(version.object_id):
            items.append(describe(data))
    return "\n".join(sorted(items))


def compare_versions(model, old, new) -> list[dict]:
    """Return one row per field: its label, both values and whether it changed."""
    rows = []
    old_fields, new_fields = old.field_dict, new.field_dict
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in {"updated_at", "created_at", "sort_key"}:
            continue
        a, b = old_fields.get(field.attname), new_fields.get(field.attname)
        if field.choices:
            labels = dict(field.flatchoices)
            a, b = labels.get(a, a), labels.get(b, b)
        rows.append(_row(str(field.verbose_name), a, b))
    if model is Article:

        def theme_name(data):
            theme = Theme.objects.filter(pk=data.get("tag_id")).first()
            return theme.name if theme else f"（已删除的主题 {data.get('tag_id')}）"

        def image_line(data):
            return f"{data.get('caption') or '（无说明）'}　{data.get('credit') or ''}".strip()

        rows.append(
            _row("主题", *(_related_summary(v, ThemedArticle, "content_object_id", theme_name) for v in (old, new)))
        )
        rows.append(_row("图片", *(_related_summary(v, ArticleImage, "article_id", image_line) for v in (old, new))))
    return rows


def _row(label, a, b) -> dict:
    a = "" if a is None else str(a)
    b = "" if b is None else str(b)
    row = {"label": label, "old": a, "new": b, "changed": a != b, "diff": None}
    if row["changed"] and ("\n" in a or "\n" in b or len(a) > 120 or len(b) > 120):
        # Long text (the body): show a line diff instead of two walls of text.
        split = lambda s: s.replace("</p>", "</p>\n").splitlines()  # noqa: E731
        row["diff"] = [line for line in difflib.ndiff(split(a), split(b)) if line[:1] in {"+", "-"}]
    return row


# --- Forms that fit the screen ----------------------------------------------
# The issue, page and article forms hold tables of pages, articles and photos.
# Django's file box shows a stored file as its full path beside a second
# box, which made an issue with two pages 1991 px wide. These tables show a
# stored file as a small link instead, and admin_extra/admin_forms.css sizes
# their columns for a 1366 px screen and a 1024 px laptop.
ADMIN_FORMS_CSS = {"all": ("admin_extra/admin_forms.css",)}


class CompactFileInput(AdminFileWidget):
    """A file box for a table row: the stored file as a thumbnail or a short link, not its path.

    ``thumbnail`` names the model's field holding a small copy of the image
    (a page's 缩略图); ``preview`` shows the image itself, small; otherwise
    the link reads ``link_text``. The file's name is in the link's tooltip.
    Rendered here rather than from a template: the form renderer does not
    look in the project's templates folder.
    """

    def __init__(self, attrs=None, *, link_text="查看文件", thumbnail=None, preview=False):
        super().__init__(attrs)
        self.link_text, self.thumbnail, self.preview = link_text, thumbnail, preview

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        file_attrs = {k: v for k, v in widget["attrs"].items() if k != "checked"}  # "checked" is the clear box's
        file_attrs["class"] = f"{file_attrs.get('class', '')} compact-file-input".strip()
        file_input = format_html('<input type="file" name="{}"{}>', name, flatatt(file_attrs))
        if not widget["is_initial"]:
            return format_html('<div class="compact-file">{}</div>', file_input)
        if not self.is_required:
            checkbox_attrs = {
                "type": "checkbox",
                "name": widget["checkbox_name"],
                "id": widget["checkbox_id"],
                "disabled": widget["attrs"]["disabled"],
                "checked": widget["attrs"]["checked"],
            }
            clear = format_html(
                '<label class="compact-file-clear"><input{}> {}</label>',
                flatatt(checkbox_attrs),
                self.clear_checkbox_label,
            )
        else:
            clear = ""
        return format_html(
            '<div class="compact-file"><span class="compact-file-current">'
            '<a href="{}" target="_blank" rel="noopener" title="{}">{}</a>{}</span>{}</div>',
            value.url,
            f"已上传：{os.path.basename(value.name)}",
            self._link_content(value),
            clear,
            file_input,
        )

    def _link_content(self, value):
        small = getattr(getattr(value, "instance", None), self.thumbnail, None) if self.thumbnail else None
        src = small.url if small else (value.url if self.preview else None)
        if src is None:
            return self.link_text
        return format_html('<img src="{}" alt="{}" class="compact-file-thumb">', src, self.link_text)


class CompactInlineMixin:
    """A tabular inline whose file columns use :class:`CompactFileInput`.

    ``compact_files`` maps a file field's name to the widget's options.
    """

    compact_files: dict = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.compact_files:
            kwargs["widget"] = CompactFileInput(**self.compact_files[db_field.name])
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class UnsavedUploadsMixin:
    """Say which chosen files were not kept when a form comes back with errors.

    A browser cannot fill a file box again: a form shown again after an
    error (a date already taken, a missing 主标题) has every file box empty,
    and the next save would go through without the scans and photos chosen
    before. Name each of them at the top of the form, so the editor chooses
    them again. A file refused by its own check is left out: the error
    beside its box already says why.
    """

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and request.FILES and context.get("errors"):
            lost = unsaved_uploads(request, context)
            if lost:
                messages.warning(request, f"以下文件没有保存，请改正错误后重新选择：{'、'.join(lost)}。")
        return super().render_change_form(request, context, add, change, form_url, obj)


def unsaved_uploads(request, context) -> list[str]:
    """Return "第1行版面图 scan.png" for each file uploaded with a form that was not saved."""

    def uploads(form, where=""):
        for name, field in form.fields.items():
            if not isinstance(field, forms.FileField) or name in form.errors:
                continue
            for upload in request.FILES.getlist(form.add_prefix(name)):
                yield f"{where}{field.label} {upload.name}"

    lost = []
    adminform = context.get("adminform")
    if adminform is not None:
        lost += uploads(adminform.form)
    groups = list(context.get("inline_admin_formsets") or [])
    for group in groups:
        table = group.opts.verbose_name_plural if len(groups) > 1 else ""
        for row, form in enumerate(group.formset.forms, start=1):
            if getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME):
                continue  # a row being deleted loses its file on purpose
            lost += uploads(form, f"{table}第{row}行")
    return lost


class ArticleImageInline(CompactInlineMixin, admin.TabularInline):
    model = ArticleImage
    extra = 0
    # The photo's own column shows it small, linked to the full image.
    fields = ("order", "image", "caption", "credit")
    compact_files = {"image": {"link_text": "查看图片", "preview": True}}

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or services.can_edit(request.user, obj))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or services.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or services.can_edit(request.user, obj))


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


AREA_FIELDS = ("area_left", "area_top", "area_width", "area_height")


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = "__all__"
        widgets = {"themes": ThemeWidget(attrs={"size": 60})}

    #: Statuses the current user may choose; set by ArticleAdmin.get_form.
    allowed_statuses = tuple(Status.values)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            self.fields["status"].choices = [c for c in Status.choices if c[0] in self.allowed_statuses]
        for name in AREA_FIELDS:
            if name in self.fields:
                # The model refuses a box outside 0–100 and an area off the page (Article.clean); tell the browser too.
                self.fields[name].widget.attrs.update(min="0", max="100")

    def clean_status(self):
        status = self.cleaned_data.get("status")
        if status not in self.allowed_statuses:
            raise ValidationError(
                "你无权把稿件设为“%s”。" % Status(status).label if status in Status.values else "无效的状态。"
            )
        return status


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
class ArticleAdmin(UnsavedUploadsMixin, HistoryCompareMixin, VersionAdmin):
    form = ArticleAdminForm
    list_display = (
        "headline",
        "kicker",
        "issue_date",
        "page_code",
        "author_names",
        "status",
        "publish_at",
        "updated_at",
    )
    list_display_links = ("headline",)
    list_select_related = ("page", "page__issue")
    list_filter = ("status", ("page__issue__date", admin.DateFieldListFilter), PageCodeFilter, ThemeFilter)
    search_fields = ("headline", "kicker", "subtitle", "author_names", "byline")
    search_help_text = "按标题、引题、副标题或作者搜索（作者名不必带空格）。"
    date_hierarchy = "page__issue__date"
    # At a million articles: read the hierarchy's dates from the issues table,
    # estimate the unfiltered count, and skip the second, unfiltered count.
    change_list_template = "admin/articles/article/change_list.html"
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    ordering = ("-page__issue__date", "page__sort_key", "order")
    autocomplete_fields = ("page",)
    inlines = [ArticleImageInline]
    readonly_fields = ("byline_parts", "citation", "created_by", "created_at", "updated_at")
    actions = ["submit_for_review", "return_to_draft", "publish_now", "unpublish"]
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
        (
            "发布",
            {
                "fields": ("status", "publish_at"),
                "description": "记者写完后设为“待审”送审；只有总编可以发布、撤回和定时发布。",
            },
        ),
        ("记录", {"classes": ("collapse",), "fields": ("citation", "created_by", "created_at", "updated_at")}),
    )

    class Media:
        css = ADMIN_FORMS_CSS

    # --- Who sees and changes what ------------------------------------------

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not request.user.has_perm(services.EDIT_OTHERS_PERMISSION):
            # A reporter works on own articles only.
            qs = qs.filter(created_by=request.user)
        return qs

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or services.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or services.can_edit(request.user, obj)

    def has_publish_permission(self, request):
        return services.can_publish(request.user)

    def has_edit_others_permission(self, request):
        return request.user.has_perm(services.EDIT_OTHERS_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not services.can_publish(request.user):
            fields.append("publish_at")
            if obj is not None and obj.status == Status.PUBLISHED:
                fields.append("status")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if services.can_publish(request.user):
            allowed = tuple(Status.values)
        else:
            allowed = (Status.DRAFT, Status.REVIEW)
        return type(form.__name__, (form,), {"allowed_statuses": allowed})

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Themes are saved after the article; record the article again so the
        # revision holds the themes as they are now.
        if reversion.is_active():
            reversion.add_to_revision(form.instance)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # A collapsed fieldset (版面热区, 记录) is a closed <details>: an error
        # inside it would show only as "请更正以下错误。". Django opens such a
        # fieldset only when a field listed flat has an error, not one of a
        # (left, top) pair, so drop "collapse" here from any that holds one.
        adminform = context.get("adminform")
        if adminform is not None and adminform.form.errors:
            errors = set(adminform.form.errors)
            adminform.fieldsets = [
                (name, {**opts, "classes": tuple(c for c in opts.get("classes", ()) if c != "collapse")})
                if errors & set(flatten(opts["fields"]))
                else (name, opts)
                for name, opts in adminform.fieldsets
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    @csp_update(CKEDITOR_CSP)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    # --- Actions ----------------------------------------------------------------

    def _apply(self, request, queryset, move, done_label):
        done, refused = 0, []
        for article in queryset:
            try:
                move(article=article, user=request.user)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                refused.append(f"《{article.headline}》：{' '.join(getattr(exc, 'messages', [str(exc)]))}")
        if done:
            self.message_user(request, f"已{done_label} {done} 篇稿件。", messages.SUCCESS)
        for line in refused:
            self.message_user(request, f"未{done_label}{line}", messages.WARNING)

    @admin.action(description="送审所选稿件", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._apply(request, queryset, services.submit_article, "送审")

    @admin.action(description="退回所选稿件为草稿", permissions=["edit_others"])
    def return_to_draft(self, request, queryset):
        self._apply(request, queryset, services.return_to_draft, "退回")

    @admin.action(description="立即发布所选稿件", permissions=["publish"])
    def publish_now(self, request, queryset):
        self._apply(request, queryset, services.publish_article, "发布")

    @admin.action(description="撤回所选已发布稿件", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._apply(request, queryset.filter(status=Status.PUBLISHED), services.unpublish_article, "撤回")

    # --- Display ----------------------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        """Search the archive's bigram index: every article in which the words are printed.

        Drafts included, body included, ``刘 飞`` finds 刘飞; a query the index
        cannot read falls back to Django's own search of the title fields.
        """
        from .search.api import admin_article_ids

        term = search_term.strip()
        ids = admin_article_ids(term, limit=ADMIN_SEARCH_LIMIT) if term else None
        if ids is None:
            return super().get_search_results(request, queryset, search_term)
        if len(ids) >= ADMIN_SEARCH_LIMIT:
            messages.info(
                request,
                f"匹配的稿件超过 {ADMIN_SEARCH_LIMIT:,} 篇，这里只列出最新的 {ADMIN_SEARCH_LIMIT:,} 篇；"
                "请再加日期、版次或主题筛选。",
            )
        return queryset.filter(pk__in=ids), False

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
