"""Optimistic concurrency: every edited row carries a version, and a save based on an old one is refused.

Each editable model (issue, page, article, photo, theme) has a ``version``
column (:class:`VersionField`). django-concurrency does the versioning: it
turns every ``save()`` of an existing row into ``UPDATE … WHERE id = %s AND
version = <the version the instance was loaded with>`` and raises
:class:`RecordModifiedError` when no row matched, so a stale save writes
nothing even when two saves race. Its admin classes are not used: the
newsroom's admin (``unionpaper.adminkit.concurrency``) says who changed what
instead, from the revision history.

What django-concurrency does not cover, and the code that uses it must
remember:

* ``QuerySet.update()`` bypasses it; code that changes an edited row in bulk
  must bump ``version`` itself (``F("version") + 1``).
* ``save(update_fields=[...])`` checks the version but bumps it only when
  ``version`` is among the fields.
* A deserialized old copy (a reversion ``Version`` being restored) carries its
  old version; :func:`adopt_current_version` gives it the current one first.
"""

from concurrency.exceptions import RecordModifiedError
from concurrency.fields import AutoIncVersionField
from django import forms
from django.core.exceptions import ValidationError

__all__ = ["RecordModifiedError", "StaleVersion", "VersionField", "adopt_current_version", "check_version"]


class VersionField(AutoIncVersionField):
    """The ``version`` column: 0 for a row never saved since the column came, then 1, 2, 3 …

    In a form it is a hidden number; a form posted without it is checked
    against nothing (the version it loads is the current one).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbose_name", "版本")
        kwargs.setdefault("help_text", "每次保存加一；据此发现基于旧版本的保存。")
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return forms.IntegerField(widget=forms.HiddenInput, required=False, label=self.verbose_name, min_value=0)


class StaleVersion(ValidationError):
    """A change based on ``expected`` while the row is at ``current`` now."""

    def __init__(self, obj, *, expected: int, current: int | None):
        self.obj, self.expected, self.current = obj, expected, current
        what = f"{obj._meta.verbose_name}“{obj}”"
        if current is None:
            message = f"{what}已被他人删除，未保存。"
        else:
            message = f"{what}在你打开之后已被他人修改（版本 {expected} → {current}），未保存。"
        super().__init__(message, code="stale")


def current_version(obj) -> int | None:
    """Return the version of ``obj``'s row in the database now, or None when it is gone."""
    return type(obj)._base_manager.filter(pk=obj.pk).values_list("version", flat=True).first()


def check_version(obj, version: int | None):
    """Refuse to go on with ``obj`` when ``version`` is given and is not the current one.

    On success ``obj.version`` is ``version``, so that its save is refused
    too (by the conditional UPDATE) if another save slips in meanwhile.
    """
    if version is None:
        return
    version = int(version)
    now = current_version(obj)
    if now != version:
        raise StaleVersion(obj, expected=version, current=now)
    obj.version = version


def adopt_current_version(obj) -> None:
    """Give a deserialized old copy of a row the row's current version, so that saving it is not refused."""
    if not hasattr(obj, "_concurrencymeta"):
        return
    now = current_version(obj)
    if now is not None:
        obj.version = now
