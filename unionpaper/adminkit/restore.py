"""Restoring a version from the admin's history (历史 → 恢复) without side effects.

django-reversion's admin restores with ``Revision.revert(delete=True)``: it
reverts *every* object saved in that revision, deletes whatever the object
follows now but did not then, and puts back the publication state of the
time. For this paper that would mean: restoring an issue deletes the pages
added since (and, by cascade, their articles); restoring a version of a page
also reverts the articles saved with it; and a 编辑 could publish or unpublish
by restoring a version with another status. ``restore`` does instead:

* it reverts the object and what it follows (reversion's ``follow``: an
  issue's pages, an article's photos and theme links) as they were saved in
  that version, and nothing else from the revision;
* it deletes nothing added since, except the link rows of a many-to-many
  field (an article's themes): those are the object's own field, restored to
  the version's set; a photo or page deleted since comes back;
* every publishable row keeps its current status and publication time; one
  that comes back after being deleted comes back as 草稿. Publishing stays
  with the publish actions, which only the 总编 has.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import Manager
from django.utils import timezone
from reversion.errors import RevertError
from reversion.revisions import _get_options

from unionpaper.concurrency import adopt_current_version
from unionpaper.publishing import Publishable, Status


def _follows(model) -> list[tuple]:
    """Return (attribute, relation) for each relation reversion follows from ``model``.

    Its registration's ``follow`` names attributes: a field (``page``) or a
    reverse accessor (``pages``, ``themedarticle_set``). Reversion has no
    public way to read a registration; ``_get_options`` is what its own
    revert uses.
    """
    by_attribute = {
        (f.get_accessor_name() if f.auto_created and not f.concrete else f.name): f for f in model._meta.get_fields()
    }
    return [(name, by_attribute[name]) for name in _get_options(model).follow]


def _link_models(model) -> set:
    """Return the through models of ``model``'s many-to-many fields (an article's ThemedArticle)."""
    return {
        f.remote_field.through
        for f in model._meta.get_fields()
        if f.many_to_many and not f.auto_created and getattr(f.remote_field, "through", None)
    }


def version_tree(version) -> list:
    """Return ``version`` and the versions of what its object followed, from the same revision, parents first."""
    in_revision = list(version.revision.version_set.all())
    tree, todo, seen = [], [version], {version.pk}
    while todo:
        current = todo.pop(0)
        tree.append(current)
        for _, relation in _follows(current._model):
            related_ct = ContentType.objects.get_for_model(relation.related_model).pk
            candidates = [v for v in in_revision if v.content_type_id == related_ct and v.pk not in seen]
            if relation.one_to_many or (relation.one_to_one and relation.auto_created):
                # A reverse relation (an issue's pages): rows pointing at this object.
                attname = relation.field.attname
                found = [v for v in candidates if str(v.field_dict.get(attname)) == current.object_id]
            elif relation.many_to_one or relation.one_to_one:
                value = str(current.field_dict.get(relation.attname))
                found = [v for v in candidates if v.object_id == value]
            else:
                found = []
            for v in found:
                seen.add(v.pk)
                todo.append(v)
    return tree


def current_tree(obj) -> list:
    """Return ``obj`` and what it follows now, as reversion would save it."""
    tree, todo = [], [obj]
    while todo:
        current = todo.pop(0)
        tree.append(current)
        for attribute, _ in _follows(type(current)):
            related = getattr(current, attribute, None)
            if isinstance(related, Manager):
                todo.extend(related.all())
            elif related is not None:
                todo.append(related)
    return tree


def _key(model, pk) -> tuple:
    return ContentType.objects.get_for_model(model).pk, str(pk)


def added_since(version) -> list:
    """Return what the object follows now that was not in ``version`` (kept by a restore)."""
    obj = version.object
    if obj is None:
        return []
    in_version = {(v.content_type_id, v.object_id) for v in version_tree(version)}
    now = current_tree(obj)
    links = set().union(*(_link_models(type(o)) for o in now))  # themes are restored, not kept
    return [o for o in now[1:] if _key(type(o), o.pk) not in in_version and type(o) not in links]


def _fix_missing_references(obj) -> bool:
    """Clear nullable references to rows deleted since; return False if a required one is gone.

    Foreign keys are checked only at commit, so a restore that points at a
    deleted row (a theme, the user who created the article) would fail there.
    """
    for f in obj._meta.concrete_fields:
        if not (f.many_to_one or f.one_to_one):
            continue
        value = getattr(obj, f.attname)
        if value is None or f.related_model._default_manager.filter(**{f.target_field.attname: value}).exists():
            continue
        if not f.null:
            return False
        setattr(obj, f.attname, None)
    return True


@dataclass
class Restored:
    versions: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # could not come back (e.g. a page code taken since)


def restore(version) -> Restored:
    """Restore the object of ``version`` as described in this module's docstring."""
    tree = version_tree(version)
    result = Restored()
    # Link rows (themes) not in the version go first, so that one re-added
    # since under a new id does not clash with the version's row.
    for parent in tree:
        for _, relation in _follows(parent._model):
            if relation.related_model in _link_models(parent._model) and relation.one_to_many:
                keep = [v.object_id for v in tree if v._model is relation.related_model]
                relation.related_model._default_manager.filter(**{relation.field.attname: parent.object_id}).exclude(
                    pk__in=keep
                ).delete()
    for v in tree:
        # The deserialized row that Version.revert() saves: changed before it
        # is saved, so that signal handlers (search index, page cache) never
        # see an old publication state.
        obj = v._object_version.object
        if isinstance(obj, Publishable):
            now = type(obj)._default_manager.filter(pk=obj.pk).values("status", "publish_at").first()
            obj.status, obj.publish_at = (now["status"], now["publish_at"]) if now else (Status.DRAFT, None)
        # A restore is a new save on top of the current version, not a save of the old one.
        adopt_current_version(obj)
        try:
            if not _fix_missing_references(obj):
                raise ObjectDoesNotExist
            with transaction.atomic(using=v.db):
                v.revert()
        except (IntegrityError, ObjectDoesNotExist) as exc:
            if v is version:
                raise RevertError(
                    f"无法恢复“{version.object_repr}”的这个版本：它引用的内容已不存在或与现有内容冲突。"
                ) from exc
            result.skipped.append(v)
        else:
            result.versions.append(v)
    return result


def publication_state(obj) -> str:
    """Describe ``obj``'s publication state in a few words, for the restore page and its message."""
    if not isinstance(obj, Publishable):
        return ""
    text = obj.get_status_display()
    if obj.status == Status.PUBLISHED and obj.publish_at:
        text += f"，发布时间 {timezone.localtime(obj.publish_at):%Y年%m月%d日 %H:%M}"
    return text
