"""The admin's history page (历史): compare two versions, restore one safely.

``HistoryCompareMixin`` goes before django-reversion's ``VersionAdmin``. What
a restore changes and keeps is decided in ``unionpaper.adminkit.restore``.
"""

import datetime
import difflib
import re
from collections.abc import Callable
from contextlib import nullcontext
from typing import NamedTuple

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

from unionpaper.html_text import read_references, without_tags
from unionpaper.publishing import Publishable

from . import restore

# Fields every version differs in, or that only order rows: not worth a line in the comparison.
UNCOMPARED_FIELDS = {"updated_at", "created_at", "sort_key", "version"}


class RelatedSummary(NamedTuple):
    """Rows of ``model`` saved with a version, shown in the comparison as one text line each.

    ``fk_name`` is the field of ``model`` pointing at the compared object;
    ``describe`` turns one saved row (its ``field_dict``) into its line.
    """

    label: str
    model: type
    fk_name: str
    describe: Callable[[dict], str]


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


RESTORE_FIELD = "_restore_field"
RESTORE_OFFERED = "_restore_fields_offered"
# Kept by every restore (restore.restore): not the restore page's to offer.
NOT_RESTORED = {"status", "publish_at"}


class RestoreChoice(NamedTuple):
    """A field the restore page offers to bring back, with the value it has now (kept if not chosen)."""

    name: str
    label: str
    current_text: str
    restored_text: str
    current_value: object  # the attribute's value now; for a many-to-many field, its rows now


def restore_choices(model, version, current, related=()) -> list[RestoreChoice]:
    """Return the fields in which ``version`` differs from ``current``, each a box on the restore page.

    The object's own editable fields, and its many-to-many fields (themes)
    shown through a ``RelatedSummary`` of their link rows.
    """
    if current is None:
        return []
    saved = version.field_dict
    choices = []
    for field in model._meta.concrete_fields:
        if field.primary_key or not field.editable or field.name in UNCOMPARED_FIELDS | NOT_RESTORED:
            continue
        now, then = getattr(current, field.attname), saved.get(field.attname)
        if _differs(now, then):
            choices.append(
                RestoreChoice(field.name, str(field.verbose_name), display(field, now), display(field, then), now)
            )
    links = {getattr(f.remote_field, "through", None): f for f in model._meta.get_fields() if f.many_to_many}
    for summary in related:
        field = links.get(summary.model)
        if field is None:
            continue
        rows = summary.model._default_manager.filter(**{summary.fk_name: current.pk})
        now = "\n".join(sorted(summary.describe(r) for r in rows.values()))
        then = _related_summary(version, summary)
        if now != then:
            tags = list(getattr(current, field.name).all())
            choices.append(RestoreChoice(field.name, summary.label, now, then, tags))
    return choices


def keep_current(model, pk, kept: list[RestoreChoice]) -> None:
    """Put back the values ``kept`` had before the restore: the fields the restore page left unticked."""
    if not kept:
        return
    obj = model._default_manager.get(pk=pk)
    own = [c for c in kept if not model._meta.get_field(c.name).many_to_many]
    for choice in own:
        setattr(obj, model._meta.get_field(choice.name).attname, choice.current_value)
    if own:
        obj.save()
    for choice in kept:
        if model._meta.get_field(choice.name).many_to_many:
            getattr(obj, choice.name).set(choice.current_value)
    if reversion.is_active():
        reversion.add_to_revision(obj)


def _related_summary(version, summary: RelatedSummary) -> str:
    """Return a sorted text list of the ``summary.model`` rows saved with ``version``."""
    items = []
    for v in version.revision.version_set.all():
        if v.content_type.model_class() is not summary.model:
            continue
        data = v.field_dict
        if str(data.get(summary.fk_name)) == str(version.object_id):
            items.append(summary.describe(data))
    return "\n".join(sorted(items))


def compare_versions(model, old, new, related: tuple[RelatedSummary, ...] = ()) -> list[dict]:
    """Return one row per field, then per ``related`` summary: its label, both values and whether it changed.

    Values are shown as people read them (``display``): a page by its name,
    a person by username, times in the paper's time zone, a body as its
    paragraphs of text; whether a field changed is decided on the stored values.
    """
    rows = []
    old_fields, new_fields = old.field_dict, new.field_dict
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in UNCOMPARED_FIELDS:
            continue
        a, b = old_fields.get(field.attname), new_fields.get(field.attname)
        row = _row(str(field.verbose_name), display(field, a), display(field, b), changed=_differs(a, b))
        row["name"] = field.name
        if row["changed"] and _is_html(a, b):
            row["diff"] = text_diff(paragraphs(a or ""), paragraphs(b or ""))
        rows.append(row)
    for summary in related:
        rows.append(_row(summary.label, _related_summary(old, summary), _related_summary(new, summary)))
    return rows


def _differs(a, b) -> bool:
    return ("" if a is None else a) != ("" if b is None else b)


def display(field, value) -> str:
    """Return a stored value of ``field`` as the admin's lists and forms show it."""
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.many_to_one or field.one_to_one:
        related = field.related_model._base_manager.filter(pk=value).first()
        if related is None:
            return f"（已删除，编号 {value}）"
        return related.get_username() if hasattr(related, "get_username") else str(related)
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{local:%Y年%m月%d日 %H:%M:%S}"
    if isinstance(value, datetime.date):
        return f"{value:%Y年%m月%d日}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if _is_html(value):
        return "\n".join(paragraphs(value))
    return str(value)


_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


def _is_html(*values) -> bool:
    return any(isinstance(v, str) and _TAG.search(v) for v in values)


def paragraphs(html: str) -> list[str]:
    """Return the paragraphs of rich text as plain text, one per block, spaces collapsed, empty ones left out.

    A table row is one paragraph (``unionpaper.html_text``); references are read
    within their line, so ``&#10;`` reads as a space, not a new paragraph.
    """
    lines = (" ".join(read_references(line).split()) for line in without_tags(html, cells=False).splitlines())
    return [line for line in lines if line]


# Unchanged paragraphs shown around a change; a longer unchanged run is shown as a count.
CONTEXT = 1


def text_diff(old: list[str], new: list[str]) -> list[dict]:
    """Return the paragraphs of both texts marked "same", "removed" or "added", long unchanged runs folded."""
    out = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "equal":
            out += [{"op": "removed", "text": t} for t in old[i1:i2]]
            out += [{"op": "added", "text": t} for t in new[j1:j2]]
            continue
        run = old[i1:i2]
        head = run[:CONTEXT] if index > 0 else []
        tail = run[-CONTEXT:] if index < len(opcodes) - 1 else []
        if len(run) <= len(head) + len(tail) + 1:
            out += [{"op": "same", "text": t} for t in run]
            continue
        out += [{"op": "same", "text": t} for t in head]
        out.append({"op": "folded", "text": f"……（{len(run) - len(head) - len(tail)} 段未改）"})
        out += [{"op": "same", "text": t} for t in tail]
    return out


def _row(label, a, b, *, changed=None) -> dict:
    a = "" if a is None else str(a)
    b = "" if b is None else str(b)
    changed = a != b if changed is None else changed
    row = {"label": label, "old": a, "new": b, "changed": changed, "diff": None}
    if changed and ("\n" in a or "\n" in b or len(a) > 120 or len(b) > 120):
        # Long text: mark the lines that differ instead of showing two walls of text.
        row["diff"] = text_diff(a.splitlines(), b.splitlines())
    return row


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
