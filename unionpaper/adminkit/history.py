"""The admin's history page (历史): compare two versions, restore one safely.

``HistoryCompareMixin`` goes before django-reversion's ``VersionAdmin``. The
rows of a comparison are made in ``compare``; what a restore changes and keeps
is decided in ``restore``, and the restore page's boxes in ``restore_form``.
"""

import datetime
from contextlib import nullcontext

import reversion
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from reversion.admin import _RollBackRevisionView
from reversion.errors import RevertError
from reversion.models import Version
from reversion.utils import mute_signals

from unionpaper.publishing import Publishable

from . import restore
from .compare import RelatedSummary, compare_versions
from .restore_form import RESTORE_FIELD, RESTORE_OFFERED, keep_current, restore_choices


class HistoryCompareMixin:
    """Add "compare two versions" to django-reversion's history page, and restore safely.

    A restore (历史 → a version → 保存) goes through ``restore.restore``:
    it deletes nothing added since and keeps the publication state.
    ``history_related`` lists what the comparison shows beside the fields.
    """

    object_history_template = "admin/history/object_history.html"
    revision_form_template = "admin/history/revision_form.html"
    history_latest_first = True
    history_related: tuple[RelatedSummary, ...] = ()

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name=f"{opts.app_label}_{opts.model_name}_compare",
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
        revision_url = f"{self.admin_site.name}:{self.model._meta.app_label}_{self.model._meta.model_name}_revision"
        for version in versions:
            version.revert_url = reverse(revision_url, args=[quote(version.object_id), version.pk])
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
        """django-reversion 6.0's view (reversion/admin.py) with ``restore.restore`` for its revert.

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
        choices = restore_choices(self.model, version, current, self.history_related)
        chosen = None  # every field, unless the page's boxes say otherwise
        if request.method == "POST" and RESTORE_OFFERED in request.POST:
            chosen = set(request.POST.getlist(RESTORE_FIELD))
        kept = [c for c in choices if chosen is not None and c.name not in chosen]
        context = {
            "restore_version": version,
            "restore_choices": choices,
            "restore_field_name": RESTORE_FIELD,
            "restore_offered_name": RESTORE_OFFERED,
            "kept_since": restore.added_since(version),
            "publication_state": restore.publication_state(current) if current is not None else "",
            "is_publishable": issubclass(self.model, Publishable),
            **(extra_context or {}),
        }
        # Read by get_readonly_fields: status and publication time are not the restore's to change.
        request.restoring_version = version
        try:
            with transaction.atomic(using=version.db), signal_context:
                context["restored"] = restore.restore(version)
                with self.create_revision(request):
                    response = self.changeform_view(request, quote(version.object_id), request.path, context)
                    if request.method == "POST" and response.status_code == 302:
                        keep_current(self.model, version.object_id, kept)
                        said = self._restore_message(version, context)
                        if kept:
                            said += f"以下项目保留现在的内容，未恢复：{'、'.join(c.label for c in kept)}。"
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
            kwargs.setdefault("form_class", PublishTimeField)
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
        rows = compare_versions(self.model, old, new, related=self.history_related)
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


def same_minute(a: datetime.datetime, b: datetime.datetime) -> bool:
    return a.timestamp() // 60 == b.timestamp() // 60


class PublishTimeField(forms.SplitDateTimeField):
    """The admin's date and time boxes, which show a time to the minute.

    A stored time has seconds (发布 sets it to *now*), which the time box
    drops; without this, every save of an unchanged form would cut them off
    and the history would show 发布时间 as changed. Within the same minute the value
    counts as unchanged; the admin then keeps the stored value
    (``HistoryCompareMixin.save_model``).
    """

    def has_changed(self, initial, data):
        if self.disabled or not isinstance(initial, datetime.datetime):
            return super().has_changed(initial, data)
        try:
            value = self.clean(data)
        except ValidationError:
            return True
        return value is None or not same_minute(initial, value)
