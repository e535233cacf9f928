"""The live copy and the working copy of a published issue, page or article.

The newsroom's rule (docs/security.md): nothing reaches readers that the 总编
did not publish. So once an object is published, a save by someone without
the right to publish it (a 编辑) leaves the live rows alone and keeps the
change aside as a ``WorkingCopy``; the public site, the feeds, the search
index and the exports go on reading the live rows, which have not changed,
and the page cache hears of nothing. The live rows change only when a 总编
publishes the changes (``publish_changes``), now or at a time: a scheduled
copy is applied by the first request after its time (``apply_due``, called
by ``ApplyDueChangesMiddleware``), so, as with scheduled publication, no job
is needed.

A copy is made by letting the admin save as usual inside ``sandbox()``,
reading back what was written (``capture``) and rolling it all back; it is
shown (the admin's form, a staff preview of the public pages) by writing it
into the tables the same way (``applied``). Being what the form saved, it
holds whatever the form edits, photos and theme links included.
"""

import json
import logging
from contextlib import contextmanager

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from issues.models import Issue, Page
from issues.selectors import can_preview_issues
from unionpaper.adminkit.concurrency import has_version
from unionpaper.concurrency import adopt_current_version, current_version
from unionpaper.dependency_cache import rendering_ahead
from unionpaper.publishing import Publishable, Status
from unionpaper.sandbox import active as sandbox_active
from unionpaper.sandbox import sandbox

from .models import Article, ArticleImage, ThemedArticle, WorkingCopy

logger = logging.getLogger(__name__)

NEXT_DUE_KEY = "unionpaper:next-working-copy"
NEVER = "never"

# The rows a form edits with its object: (model, the attribute pointing at the object).
EDITED_WITH = {
    Article: ((ArticleImage, "article_id"), (ThemedArticle, "content_object_id")),
    Page: ((Article, "page_id"),),
    Issue: ((Page, "issue_id"),),
}
# Fields a change of which is no change worth a copy; a copy never carries a publication state.
IGNORED = {"updated_at", "created_at", "status", "publish_at", "version"}


# --- Who goes through a copy --------------------------------------------------------------------


def is_published(obj) -> bool:
    """Return True when ``obj`` is live or scheduled: its changes need a 总编 to reach readers."""
    if isinstance(obj, Page):
        return obj.issue.status == Status.PUBLISHED
    return isinstance(obj, Publishable) and obj.status == Status.PUBLISHED


def can_publish_changes(user, obj) -> bool:
    """Return True when ``user`` may change what readers see of ``obj`` directly."""
    if isinstance(obj, Article):
        return user.has_perm("articles.publish_article")
    return user.has_perm("issues.publish_issue") and user.has_perm("articles.publish_article")


def goes_to_copy(user, obj) -> bool:
    """Return True when a save of ``obj`` by ``user`` is kept as a working copy, not written live."""
    return obj is not None and obj.pk is not None and is_published(obj) and not can_publish_changes(user, obj)


# --- Reading --------------------------------------------------------------------------------------


def copy_of(obj) -> WorkingCopy | None:
    """Return the working copy of ``obj``, or None."""
    ct = ContentType.objects.get_for_model(type(obj))
    return WorkingCopy.objects.filter(content_type=ct, object_id=obj.pk).select_related("updated_by").first()


def copies_q(model, prefix="pk"):
    """Return a subquery for annotating rows of ``model`` with whether they have a working copy."""
    from django.db.models import Exists, OuterRef

    ct = ContentType.objects.get_for_model(model)
    return Exists(WorkingCopy.objects.filter(content_type=ct, object_id=OuterRef(prefix)))


def _tree(obj) -> list:
    """Return ``obj`` and the rows its form edits with it, as they are in the database now."""
    model = type(obj)
    rows = [model._default_manager.get(pk=obj.pk)]
    for related, attname in EDITED_WITH.get(model, ()):
        rows += list(related._default_manager.filter(**{attname: obj.pk}).order_by("pk"))
    return rows


def _key(row) -> str:
    return f"{row._meta.label_lower}:{row.pk}"


def capture(obj) -> tuple[str, list[str]]:
    """Return ``obj`` with the rows its form edits, serialized, and their keys."""
    rows = _tree(obj)
    return serializers.serialize("json", rows), [_key(r) for r in rows]


def _changed_labels(obj, data: str) -> list[str]:
    """Name what a copy changes against the live rows, for the list, the messages and the 总编."""
    live = {_key(r): r for r in _tree(obj)}
    copied = [d.object for d in serializers.deserialize("json", data)]
    labels = []

    def add(label):
        if label not in labels:
            labels.append(label)

    def differs(f, before, row):
        # Fields no form edits (a byline's parts, a fingerprint) follow from those it does.
        if f.primary_key or not f.editable or f.name in IGNORED:
            return False
        return f.value_from_object(before) != f.value_from_object(row)

    for row in copied:
        before = live.get(_key(row))
        fields = type(row)._meta.concrete_fields
        if row is copied[0]:
            for f in fields:
                if differs(f, before, row):
                    add(str(f.verbose_name))
        elif before is None or any(differs(f, before, row) for f in fields):
            add(str(type(row)._meta.verbose_name))
    copied_keys = {_key(r) for r in copied}
    for key, row in live.items():
        if key not in copied_keys:
            add(str(type(row)._meta.verbose_name))
    return labels


# --- Writing the copy into the tables -------------------------------------------------------------


def write(copy: WorkingCopy) -> list[str]:
    """Write ``copy`` over the live rows; return what could not be written (rows deleted live since).

    Rows of the copy that were live when it was made (its ``base``) are
    saved over the live ones, keeping their publication state; rows new in
    the copy are inserted (under the id they had, when it is still free);
    rows of the base missing from the copy were deleted in it and are
    deleted. Rows added live since the copy was made are kept.
    """
    base = set(copy.base)
    copied = [d.object for d in serializers.deserialize("json", copy.data)]
    root = copied[0]
    model = type(root)
    skipped = []
    copied_keys = {_key(r) for r in copied}
    live_version = current_version(root) if has_version(model) else None
    for related, attname in EDITED_WITH.get(model, ()):
        for row in related._default_manager.filter(**{attname: root.pk}):
            if _key(row) in base and _key(row) not in copied_keys:
                row.delete()
    for row in copied:
        manager = type(row)._default_manager
        live = manager.filter(pk=row.pk).first()
        if live is None and _key(row) in base:
            skipped.append(str(row))  # deleted live since: not brought back by a copy
            continue
        if live is not None:
            adopt_current_version(row)  # the copy's rows were read at an older version of the live ones
            if isinstance(row, Publishable):
                row.status, row.publish_at = live.status, live.publish_at
        try:
            with transaction.atomic():
                row.save(force_insert=live is None)
        except IntegrityError:
            if live is not None:
                raise
            row.pk = None
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                skipped.append(str(row))  # a theme link added live since, say
    if sandbox_active() and live_version is not None:
        # Shown, the copy's object carries a version of its own, one more per save of the copy:
        # a form opened on an older state of the copy is refused like one opened on an older row.
        model._base_manager.filter(pk=root.pk).update(version=live_version + copy.saves)
    return skipped


@contextmanager
def applied(copies):
    """Show ``copies`` written into the tables for the block's duration; nothing stays, nobody hears."""
    with sandbox():
        for copy in copies:
            write(copy)
        yield


# --- Services -------------------------------------------------------------------------------------


def save_copy(*, obj, data: str, keys: list[str], user) -> WorkingCopy | None:
    """Keep ``data`` (captured from a form's save of ``obj``) as its working copy; return it, or None if unchanged."""
    ct = ContentType.objects.get_for_model(type(obj))
    copy = WorkingCopy.objects.filter(content_type=ct, object_id=obj.pk).first()
    live_keys = [_key(r) for r in _tree(obj)]
    if copy is None:
        copy = WorkingCopy(content_type=ct, object_id=obj.pk)
    # The base is what was live when the copy began, with what is live now.
    copy.base = sorted({*copy.base, *live_keys})
    copy.data = data
    copy.changed = _changed_labels(obj, data)
    if not copy.changed:  # back to what is live: nothing waits for the 总编
        if copy.pk:
            copy.delete()
            _forget_next_due()
        return None
    copy.updated_by = user
    copy.saves += 1
    copy.save()
    _forget_next_due()
    return copy


def save_as_copy(*, obj, user, change) -> WorkingCopy | None:
    """Make ``change`` (a function given the row to alter) on ``obj``'s working copy; the live rows stay.

    What a script or a service changes on a published object goes where the
    admin's form would put the same change: the change is made over the copy
    (if any) inside ``sandbox()``, read back and kept, as the form's save is.
    """
    copy = copy_of(obj)
    with sandbox():
        if copy is not None:
            write(copy)
        row = type(obj)._default_manager.get(pk=obj.pk)
        change(row)
        row.save()
        data, keys = capture(obj)
    return save_copy(obj=obj, data=data, keys=keys, user=user)


def copy_state(copy: WorkingCopy) -> str:
    """Return what tells one state of a working copy from the next: the copy, and how often it was saved."""
    return f"{copy.pk}.{copy.saves}"


def publish_changes(*, obj, user, at=None, seen: str | None = None) -> WorkingCopy | None:
    """Publish ``obj``'s working copy now, or schedule it for ``at``; return the copy (None if none).

    Now: one transaction and one revision; the live rows change and, through
    their signals, the page cache and the search index with them. Given the
    ``copy_state`` the caller showed (``seen``), refuse a copy saved since.
    """
    if not can_publish_changes(user, obj):
        raise PermissionDenied("只有总编可以发布修改。")
    with transaction.atomic():
        copy = copy_of(obj)
        if copy is not None:
            copy = WorkingCopy.objects.select_for_update().get(pk=copy.pk)
        if seen is not None and (copy is None or copy_state(copy) != seen):
            raise ValidationError(f"“{obj}”的待发布修改在你查看之后又有了变化，未发布。", code="stale")
        if copy is None:
            return None
        if at is not None and at > timezone.now():
            copy.status, copy.publish_at = Status.PUBLISHED, at
            copy.save(update_fields=["status", "publish_at", "updated_at"])
            _forget_next_due()
            return copy
        _apply(copy, user=user, comment="发布修改：" + "、".join(copy.changed))
    return copy


def fold_into_row(*, obj, user) -> bool:
    """Write ``obj``'s working copy into its rows (on 撤回 and on publishing); return True when there was one."""
    copy = copy_of(obj)
    if copy is None:
        return False
    _apply(copy, user=user, comment="并入待发布的修改")
    return True


def discard_changes(*, obj, user) -> bool:
    """Drop ``obj``'s working copy; return True when there was one."""
    if not (can_publish_changes(user, obj) or user.has_perm("articles.edit_others_articles")):
        raise PermissionDenied("你不能放弃这些修改。")
    copy = copy_of(obj)
    if copy is None:
        return False
    copy.delete()
    _forget_next_due()
    return True


def _apply(copy: WorkingCopy, *, user, comment: str) -> list[str]:
    with transaction.atomic(), reversion.create_revision():
        copy = WorkingCopy.objects.select_for_update().get(pk=copy.pk)
        skipped = write(copy)
        model = copy.content_type.model_class()
        reversion.add_to_revision(model._default_manager.get(pk=copy.object_id))
        reversion.set_user(user)
        reversion.set_comment(comment)
        copy.delete()
    _forget_next_due()
    return skipped


def apply_due(*, now=None) -> int:
    """Publish every scheduled working copy whose time has come; return how many."""
    done = 0
    for copy in WorkingCopy.objects.published(now=now).order_by("publish_at"):
        _apply(copy, user=None, comment=f"定时发布修改：{'、'.join(copy.changed)}")
        done += 1
    return done


def _forget_next_due() -> None:
    transaction.on_commit(lambda: cache.delete(NEXT_DUE_KEY))
    cache.delete(NEXT_DUE_KEY)


def _next_due() -> float | None:
    value = cache.get(NEXT_DUE_KEY)
    if value is None:
        upcoming = (
            WorkingCopy.objects.filter(status=Status.PUBLISHED)
            .order_by("publish_at")
            .values_list("publish_at", flat=True)
            .first()
        )
        value = upcoming.timestamp() if upcoming else NEVER
        cache.set(NEXT_DUE_KEY, value, timeout=None)
    return None if value == NEVER else value


class ApplyDueChangesMiddleware:
    """Before anything is served, publish the scheduled working copies that have come due.

    One cache read per request; the copies themselves are read only when one is due.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if rendering_ahead():  # inside the transaction of a publication, which is not to take in others
            return self.get_response(request)
        try:
            due = _next_due()
            if due is not None and due <= timezone.now().timestamp():
                apply_due()
        except DatabaseError:
            # The request goes on (the health check reports the database); the copies wait for the next one.
            logger.exception("scheduled working copies not applied")
        return self.get_response(request)


def preview_copies(user):
    """Return the working copies a staff preview by ``user`` shows, or an empty list."""
    # A reporter previews own drafts only; the changes waiting on published rows are the editors' business.
    if not can_preview_issues(user) or not user.has_perm("articles.edit_others_articles"):
        return []
    return list(WorkingCopy.objects.order_by("pk"))


def data_of(copy: WorkingCopy) -> list[dict]:
    """Return the copy's rows as plain dicts (for tests and the admin's summary)."""
    return json.loads(copy.data)
