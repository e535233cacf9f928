"""The admin's side of working copies: who saves into one, the form showing it, the list marking it, publishing it.

A save by someone who may not publish an object that is published (a 编辑's
save of a live article, of a page or an issue of a live issue, a restore of
an older version from its history) runs as usual inside ``sandbox()`` and is
kept as the object's working copy; the live rows are not written. The form
of an object with a copy shows the copy, for everyone, so the next save
builds on it. A 总编's own save publishes the copy together with the form's
changes (the button says 保存并发布修改); the action 发布修改 publishes the
copies of the selected rows now or at a chosen time. See
``articles.working_copies`` for what a copy holds and how it goes live.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils import timezone

from unionpaper.sandbox import sandbox

from .. import working_copies as wc
from .forms import PublishForm


class PendingChangesFilter(admin.SimpleListFilter):
    title = "有待发布的修改"
    parameter_name = "pending_changes"

    def lookups(self, request, model_admin):
        return [("yes", "有待发布的修改"), ("no", "没有")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(wc.copies_q(queryset.model))
        if self.value() == "no":
            return queryset.exclude(wc.copies_q(queryset.model))
        return queryset


def _when(copy) -> str:
    return f"{timezone.localtime(copy.updated_at):%Y年%m月%d日 %H:%M}"


def _who(copy) -> str:
    return copy.updated_by.get_username() if copy.updated_by else "—"


class WorkingCopyAdminMixin:
    """Goes before ``NewsroomAdmin``: saves of published rows by non-publishers become working copies."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == f"{self.opts.app_label}_{self.opts.model_name}_changelist":
            queryset = queryset.annotate(_has_working_copy=wc.copies_q(self.model))
        return queryset

    def has_publish_changes_permission(self, request):
        return wc.can_publish_changes(request.user, self.model())

    @admin.display(description="有待发布的修改")
    def pending_changes(self, obj):
        return "有待发布的修改" if getattr(obj, "_has_working_copy", False) else "—"

    def message_user(self, request, message, *args, **kwargs):
        # A save kept as a working copy says so itself; the admin's "changed successfully" would mislead.
        if getattr(request, "_working_copy_capture", False):
            return
        super().message_user(request, message, *args, **kwargs)

    # --- The form -------------------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if (
            object_id is None
            or getattr(request, "_working_copy_capture", False)
            # A restore shows and saves the version, over the live rows; an 编辑's goes to the copy around it.
            or getattr(request, "restoring_version", None)
        ):
            return super().changeform_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        copy = wc.copy_of(obj)
        to_copy = wc.goes_to_copy(request.user, obj)
        extra_context = {**(extra_context or {}), "save_label": self._save_label(request, obj, to_copy)}

        def view():
            return super(WorkingCopyAdminMixin, self).changeform_view(request, object_id, form_url, extra_context)

        if request.method == "POST" and to_copy:
            return self._save_to_copy(request, obj, copy, view)
        if copy is None:
            return view()
        if request.method == "POST":
            # A 总编 saves over a copy: the copy and the form's changes go live together, or neither.
            with transaction.atomic():
                wc.write(copy)
                response = view()
                if response.status_code == 302:
                    copy.delete()
                    self.message_user(request, "待发布的修改已随本次保存发布。", messages.SUCCESS)
                else:
                    _render(response)
                    transaction.set_rollback(True)
            return response
        self._notice(request, copy, to_copy)
        with wc.applied([copy]):
            return _render(view())

    def _save_label(self, request, obj, to_copy) -> str:
        if to_copy:
            return "保存为待发布的修改"
        if wc.is_published(obj):
            return "保存并发布修改"
        return ""

    def _notice(self, request, copy, to_copy):
        state = (
            f"已定于 {timezone.localtime(copy.publish_at):%Y年%m月%d日 %H:%M} 发布"
            if copy.status == "published" and copy.publish_at
            else "等待总编发布"
        )
        text = (
            f"有待发布的修改（{'、'.join(copy.changed) or '—'}；{_who(copy)} 于 {_when(copy)} 保存，{state}）。"
            "下面显示的是待发布的版本，读者仍看到已发布的版本。"
        )
        if not to_copy:
            text += "保存即同时发布这些修改。"
        messages.warning(request, text)

    def _save_to_copy(self, request, obj, copy, save):
        """Run ``save`` inside a sandbox (over ``copy``, if any) and keep what it wrote as the working copy.

        ``copy`` is the state the form was shown over: the copy for the change
        form, None for a restore (whose page shows the version over the live rows).
        """
        request._working_copy_capture = True
        captured = None
        try:
            with sandbox():
                if copy is not None:
                    wc.write(copy)
                response = save()
                if response.status_code == 302:
                    captured = wc.capture(obj)
                else:
                    _render(response)
        finally:
            request._working_copy_capture = False
        if captured is not None:
            kept = wc.save_copy(obj=obj, data=captured[0], keys=captured[1], user=request.user)
            if kept is None:
                self.message_user(request, "没有修改：与已发布的版本相同。", messages.INFO)
            else:
                self.message_user(
                    request,
                    f"已保存为待发布的修改（{'、'.join(kept.changed)}）：读者仍看到已发布的版本，总编发布修改后才会上线。",
                    messages.SUCCESS,
                )
        return response

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        obj = version.object
        if (
            request.method != "POST"
            or getattr(request, "_working_copy_capture", False)
            or obj is None
            or not wc.goes_to_copy(request.user, obj)
        ):
            return super()._reversion_revisionform_view(request, version, template_name, extra_context)
        parent = super()._reversion_revisionform_view
        return self._save_to_copy(request, obj, None, lambda: parent(request, version, template_name, extra_context))

    # --- Publishing the changes -----------------------------------------------------------------

    @admin.action(description="发布所选的待发布修改…", permissions=["publish_changes"])
    def publish_changes(self, request, queryset):
        """Ask when (now, or at a time), listing what changes; then publish or schedule each copy."""
        rows = [(obj, wc.copy_of(obj)) for obj in queryset]
        rows = [(obj, copy) for obj, copy in rows if copy is not None]
        confirming = "confirm" in request.POST
        form = PublishForm(request.POST if confirming else None)
        if not rows:
            self.message_user(request, "所选内容没有待发布的修改。", messages.WARNING)
            return None
        moved = [(obj, copy) for obj, copy in rows if confirming and _copy_moved(request, obj, copy)]
        if moved:
            # What the 总编 confirms is what the page listed: a copy saved again since is shown again, not published.
            names = "、".join(f"“{obj}”" for obj, _ in moved)
            self.message_user(
                request,
                f"未发布：确认页打开之后，{names}的待发布修改又被保存过。请看清下面最新的内容后再确认。",
                messages.ERROR,
            )
            form = PublishForm()
        elif confirming and form.is_valid():
            at = form.cleaned_data["publish_at"]
            for obj, _ in rows:
                try:
                    seen = request.POST.get(copy_input_name(obj.pk))
                    copy = wc.publish_changes(obj=obj, user=request.user, at=at, seen=seen)
                except PermissionDenied as exc:
                    self.message_user(request, str(exc), messages.ERROR)
                    return None
                except ValidationError as exc:
                    self.message_user(request, exc.messages[0], messages.ERROR)
                    continue
                if at and at > timezone.now():
                    said = f"“{obj}”的修改将于 {timezone.localtime(at):%Y年%m月%d日 %H:%M} 上线。"
                else:
                    said = f"“{obj}”的修改已发布（{'、'.join(copy.changed)}）。"
                self.message_user(request, said, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "确认发布修改",
            "opts": self.model._meta,
            "rows": [
                {
                    "obj": obj,
                    "copy": copy,
                    "who": _who(copy),
                    "when": _when(copy),
                    "changed": "、".join(copy.changed),
                    "copy_input": copy_input_name(obj.pk),
                    "copy_state": wc.copy_state(copy),
                }
                for obj, copy in rows
            ],
            "form": form,
            "queryset": queryset,
            "action_name": "publish_changes",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/working_copies/publish_confirmation.html", context)


def copy_input_name(pk) -> str:
    """Name the hidden box in which the confirmation carries the state of the copy of row ``pk`` it listed."""
    return f"_copy_{pk}"


def _copy_moved(request, obj, copy) -> bool:
    """Return True when the confirmation posted listed another state of ``obj``'s copy than ``copy``.

    A confirmation posted without the box (a script) is checked against nothing.
    """
    shown = request.POST.get(copy_input_name(obj.pk))
    return shown is not None and shown != wc.copy_state(copy)


def _render(response):
    """Render ``response`` now (while a sandbox or a transaction still holds what it shows)."""
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response
