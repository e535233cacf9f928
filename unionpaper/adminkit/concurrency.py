"""Edits that never overwrite a colleague's: stale saves refused in the admin, with who changed what.

Every change form, its inline rows and every action on a list carry the
``version`` of each row they showed (``unionpaper.concurrency``). A save
based on a version that is no longer current is refused before anything is
written; the form comes back with the editor's own input and, per row, what
was changed since and by whom, read from the revision history
(主标题：“旧” → “新”（林平，10:42）). The button 以我的修改覆盖 saves again
on top of the current version, applying only the fields the editor changed.
"""

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core import signing
from django.db import router, transaction
from django.db.models import FileField
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse

from unionpaper.concurrency import RecordModifiedError, StaleVersion, check_version, current_version
from unionpaper.publishing import Publishable

from . import presence
from .conflicts import VERSION, Conflict, changes_since, history_since, last_saved

REAPPLY = "_reapply"
# The digest of what a delete confirmation listed (the row and everything deleted with it).
DELETE_SUMMARY = "_delete_summary"
_SALT = "unionpaper.adminkit.concurrency"


def object_key(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def has_version(model) -> bool:
    return any(f.name == VERSION for f in model._meta.concrete_fields)


def version_input_name(pk) -> str:
    """Name the hidden box in which a list carries the version of the row ``pk`` it showed."""
    return f"_version_{pk}"


# --- Forms ---------------------------------------------------------------------------


def snapshot(obj, opened: int):
    """Return ``obj`` as it was saved at version ``opened`` and that saved version, or (None, None)."""
    base, _ = history_since(obj, opened)
    if base is None:
        return None, None
    try:
        return base._object_version.object, base
    except Exception:  # a version that no longer deserializes is no snapshot
        return None, None


class VersionCheckedForm(forms.BaseForm):
    """Refuse the form when the row it was opened on has a newer version now.

    ``accepted`` maps rows (``object_key``) to the current version that the
    editor has seen the changes of and chosen to save on top of (以我的修改覆盖);
    such a row saves only the fields changed in the form since it was opened.
    """

    accepted: dict = {}
    conflict = None

    def clean(self):
        cleaned = super().clean()
        if VERSION not in self.fields:
            return cleaned
        obj = self.instance
        opened = cleaned.get(VERSION)
        if opened is None or obj.pk is None or obj._state.adding:
            cleaned[VERSION] = obj.version
            return cleaned
        expected = self.accepted.get(object_key(obj), opened)
        try:
            check_version(obj, expected)
        except StaleVersion as exc:
            self.conflict = Conflict(obj, opened=opened, current=exc.current)
            raise forms.ValidationError(exc.messages[0], code="stale") from exc
        cleaned[VERSION] = expected
        if expected != opened:
            self._keep_only_own_changes(opened)
        return cleaned

    def _initial_from_version(self, version) -> dict:
        """Return the form values of a saved version that its deserialized row lacks (many-to-many fields).

        The form (next in line) says so with ``initial_from_version(version)``.
        """
        hook = getattr(super(), "initial_from_version", None)
        return hook(version) if hook else {}

    def _keep_only_own_changes(self, opened: int):
        """Drop from the cleaned data every field the editor left as it was at version ``opened``."""
        then_obj, version = snapshot(self.instance, opened)
        if then_obj is None:
            return  # nothing to tell the editor's changes from: the form's values all count
        then = type(self)(
            data=self.data,
            files=self.files,
            instance=then_obj,
            prefix=self.prefix,
            initial=self._initial_from_version(version),
        )
        own = set(then.changed_data)
        # Fields a formset adds to its rows (DELETE, the parent's key) are the editor's choice as posted.
        for name in list(self.cleaned_data):
            if name != VERSION and name in then.fields and name not in own:
                del self.cleaned_data[name]


def version_checked(form_class, request):
    """Return ``form_class`` with the version check, and the re-apply choice posted in ``request``."""
    accepted = {}
    if request.method == "POST" and request.POST.get(REAPPLY):
        try:
            accepted = signing.loads(request.POST[REAPPLY], salt=_SALT)
        except signing.BadSignature:
            accepted = {}
    return type(form_class.__name__, (VersionCheckedForm, form_class), {"accepted": accepted})


def _stored_files(obj) -> dict:
    return {f.name: getattr(obj, f.name).name for f in obj._meta.concrete_fields if isinstance(f, FileField)}


def _delete_files_stored_by(obj, before: dict):
    """Delete the files that a refused save of ``obj`` stored, so that nothing of it is kept."""
    for name, was in before.items():
        file = getattr(obj, name)
        if file.name and file.name != was and getattr(file, "_committed", True):
            file.storage.delete(file.name)


def _save_refusing_stale(obj, save):
    before = _stored_files(obj)
    try:
        save()
    except RecordModifiedError:
        _delete_files_stored_by(obj, before)
        raise


class ConcurrentAdminMixin:
    """Optimistic concurrency for a ModelAdmin: its form, its inlines (with ConcurrentInlineMixin), its actions."""

    change_form_template = "admin/concurrency/change_form.html"
    delete_confirmation_template = "admin/concurrency/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/concurrency/delete_selected_confirmation.html"

    def _versioned(self):
        return has_version(self.model)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._versioned() or not self.has_change_permission(request, obj):
            return fieldsets
        if any(VERSION in helpers.flatten_fieldsets([fs]) for fs in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": (*options["fields"], VERSION)}), *rest]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if VERSION in fields and not self.has_change_permission(request, obj):
            fields.remove(VERSION)
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return version_checked(form, request) if self._versioned() else form

    def save_model(self, request, obj, form, change):
        if change and isinstance(obj, Publishable):
            # Saving a form publishes or unpublishes only when its publication fields were changed.
            for name in ("status", "publish_at"):
                if name not in form.changed_data and name in form.initial:
                    setattr(obj, name, form.initial[name])
        _save_refusing_stale(obj, lambda: super(ConcurrentAdminMixin, self).save_model(request, obj, form, change))

    def save_formset(self, request, form, formset, change):
        saved = []
        original = formset.save_existing

        def save_existing(row_form, instance, commit=True):
            saved.append((instance, _stored_files(instance)))
            return original(row_form, instance, commit=commit)

        formset.save_existing = save_existing
        try:
            super().save_formset(request, form, formset, change)
        except RecordModifiedError:
            for instance, before in saved:
                _delete_files_stored_by(instance, before)
            raise

    # --- Who else has the form open ----------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/presence/",
                self.admin_site.admin_view(self.presence_view),
                name=f"{opts.app_label}_{opts.model_name}_presence",
            ),
            *super().get_urls(),
        ]

    def presence_view(self, request, object_id):
        """Record the heartbeat of an open form; answer who else has it open and whether it was saved since.

        POST ``version`` (the form's) to hear of a newer one; ``leave=1`` when the form closes.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404
        if request.POST.get("leave"):
            presence.leave(obj, request.user)
            return JsonResponse({"left": True})
        presence.record(obj, request.user)
        people = presence.others(obj, request.user)
        answer = {"others": people, "notice": presence.notice(people), "saved": ""}
        if self._versioned():
            answer["version"] = obj.version
            opened = request.POST.get(VERSION, "")
            if opened.isdigit() and int(opened) != obj.version:
                answer["saved"] = (
                    f"{last_saved(obj)}保存了新的版本。你现在保存会被拒绝，并看到改了什么；"
                    "可先复制你的修改，再重新打开表单。"
                )
        return JsonResponse(answer)

    def _presence_context(self, request, obj) -> dict:
        if obj is None or obj.pk is None:
            return {}
        presence.record(obj, request.user)
        people = presence.others(obj, request.user)
        opts = self.model._meta
        return {
            "presence_url": reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_presence", args=[obj.pk]
            ),
            "presence_interval": presence.interval(),
            "presence_notice": presence.notice(people),
        }

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RecordModifiedError:
            # Another save came between the check and the write; everything was
            # rolled back. Answer again: the check now sees the newer version.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        conflicts = []
        adminform = context.get("adminform")
        if adminform is not None and getattr(adminform.form, "conflict", None) is not None:
            adminform.form.conflict.related = getattr(self, "history_related", ())
            conflicts.append(adminform.form.conflict)
        for inline in context.get("inline_admin_formsets") or []:
            conflicts += [f.conflict for f in inline.formset.forms if getattr(f, "conflict", None) is not None]
        if conflicts:
            context["concurrency_conflicts"] = conflicts
            context["concurrency_exact"] = all(c.exact for c in conflicts)
            context["concurrency_reapply"] = signing.dumps(
                {object_key(c.obj): c.current for c in conflicts if c.current is not None}, salt=_SALT
            )
        context.update(self._presence_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- Deleting one row ---------------------------------------------------------------

    def _delete_summary(self, request, obj) -> str:
        """Return a digest of what deleting ``obj`` would delete, as the confirmation lists it."""
        deleted, counts, _perms, _protected = self.get_deleted_objects([obj], request)
        listed = repr((deleted, sorted((str(k), v) for k, v in counts.items())))
        return hashlib.sha256(listed.encode()).hexdigest()[:32]

    def delete_view(self, request, object_id, extra_context=None):
        """Delete only what the confirmation showed.

        The confirmation carries the row's version and a digest of the list
        of what goes with it; when either moved before 是的，我确定 (the row
        was edited, or a story was added to the page being deleted), nothing
        is deleted and the confirmation is shown again as it is now.
        """
        if not self._versioned() or request.method not in ("GET", "POST"):
            return super().delete_view(request, object_id, extra_context)
        with transaction.atomic(using=router.db_for_write(self.model)):
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_delete_permission(request, obj):
                return super().delete_view(request, object_id, extra_context)
            obj = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
            summary = self._delete_summary(request, obj)
            opened = _as_int(request.POST.get(VERSION) if request.method == "POST" else request.GET.get(VERSION))
            if opened is not None and opened != obj.version:
                conflict = Conflict(obj, opened=opened, current=obj.version)
                if request.method == "POST":
                    messages.error(
                        request, f"未删除：确认页打开之后，{conflict.title}已被他人修改。请看清最新内容后再确认。"
                    )
                else:
                    messages.warning(request, f"你打开表单之后，{conflict.title}已被他人修改。确认删除前请看清：")
                for line in conflict.lines:
                    messages.warning(request, line)
                if request.method == "POST":
                    return HttpResponseRedirect(_without_version(request))
            elif request.method == "POST" and request.POST.get(DELETE_SUMMARY, summary) != summary:
                messages.error(
                    request,
                    f"未删除：确认页打开之后，随{obj._meta.verbose_name}“{obj}”一并删除的内容有了变化"
                    "（例如有稿件新加到本版）。请看清下面最新的清单后再确认。",
                )
                return HttpResponseRedirect(_without_version(request))
            context = {**(extra_context or {}), "concurrency_version": obj.version, "delete_summary": summary}
            return super().delete_view(request, object_id, context)

    # --- Actions on a list ------------------------------------------------------------

    def action_checkbox(self, obj):
        box = super().action_checkbox(obj)
        if not self._versioned():
            return box
        hidden = forms.HiddenInput().render(version_input_name(obj.pk), obj.version)
        return box + hidden

    def response_action(self, request, queryset):
        if self._versioned() and request.POST.get("select_across") != "1":
            stale = self._stale_rows(request)
            if stale:
                self._refuse_action(request, stale)
                return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    def _stale_rows(self, request) -> list[Conflict]:
        shown = {}
        for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            value = request.POST.get(version_input_name(pk))
            if value not in (None, ""):
                try:
                    shown[str(pk)] = int(value)
                except ValueError:
                    continue
        if not shown:
            return []
        rows = self.model._base_manager.filter(pk__in=list(shown))
        now = {str(pk): version for pk, version in rows.values_list("pk", VERSION)}
        stale = []
        for pk, opened in shown.items():
            if now.get(pk) != opened:
                obj = rows.filter(pk=pk).first() or self.model(pk=pk)
                stale.append(Conflict(obj, opened=opened, current=now.get(pk)))
        return stale

    def _refuse_action(self, request, stale: list[Conflict]):
        names = "、".join(c.title for c in stale)
        messages.error(request, f"操作未执行：你打开列表之后，{names}已被他人修改。请查看最新内容后重新选择。")
        for conflict in stale:
            messages.warning(request, f"{conflict.title}：{'；'.join(conflict.lines)}")


def _without_version(request) -> str:
    """Return the request's URL without the ``version`` it was opened with (the page now shows the current one)."""
    params = request.GET.copy()
    params.pop(VERSION, None)
    return request.path + (f"?{params.urlencode()}" if params else "")


def _as_int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class ConcurrentInlineMixin:
    """Optimistic concurrency for the rows of an inline table: each row carries its version."""

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if has_version(self.model) and VERSION not in fields and self.has_change_permission(request, obj):
            fields.append(VERSION)
        return fields

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if not has_version(self.model):
            return formset
        formset = type(formset.__name__, (VersionCheckedFormSet, formset), {})
        formset.form = version_checked(formset.form, request)
        return formset


class VersionCheckedFormSet(forms.BaseFormSet):
    """Refuse to delete a row that was changed since the table was shown.

    A formset ignores the errors of the rows it deletes; a stale row ticked
    删除 would otherwise be deleted unseen.
    """

    def clean(self):
        super().clean()
        stale = [
            form
            for form in self.forms
            if self.can_delete and self._should_delete_form(form) and getattr(form, "conflict", None) is not None
        ]
        if stale:
            names = "、".join(form.conflict.title for form in stale)
            raise forms.ValidationError(f"未删除：{names}在你打开之后已被他人修改。", code="stale")


__all__ = ["ConcurrentAdminMixin", "ConcurrentInlineMixin", "changes_since", "current_version", "version_input_name"]
