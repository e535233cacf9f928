"""The restore page's boxes (历史 → a version): which fields it offers to bring back, and keeping the others.

Each field in which the version differs from the object now is a box
(``restore_choices``); a box left unticked keeps the current value
(``keep_current``, after ``restore.restore`` has reverted the rest).
"""

from typing import NamedTuple

import reversion

from .compare import UNCOMPARED_FIELDS, differs, display, related_summary

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
        if differs(now, then):
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
        then = related_summary(version, summary)
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
