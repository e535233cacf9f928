"""What was saved of a row since the version a form was opened on, told in Chinese with who and when.

A refused save (``unionpaper.adminkit.concurrency``) shows, per row, each
field that changed since, read from the revision history:
主标题：“旧” → “新”（林平，10:42）.
"""

import datetime

from django.utils import timezone
from reversion.models import Version

from .compare import compare_versions

# The version column's name, in forms and in the saved versions.
VERSION = "version"
# A value this long is shown shortened in the list of changes.
SHORT_VALUE = 60


def _who(revision) -> str:
    user = revision.user
    if user is None:
        return "系统"
    return user.get_full_name().replace(" ", "") or user.get_username()


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f"{local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def _short(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= SHORT_VALUE else value[: SHORT_VALUE - 1] + "…"


def history_since(obj, opened: int) -> tuple[object | None, list]:
    """Return the saved version of ``obj`` at ``opened`` (or None) and its saved versions after it, oldest first."""
    base, later = None, []
    for version in Version.objects.get_for_object(obj).select_related("revision__user").order_by("pk"):
        number = version.field_dict.get(VERSION)
        if number is None:
            continue
        if number <= opened:
            base = version if number == opened else None
        else:
            later.append(version)
    return base, later


def changes_since(obj, opened: int, related=()) -> list[str]:
    """Describe, field by field and in Chinese, what was saved of ``obj`` after its version ``opened``."""
    base, later = history_since(obj, opened)
    lines, previous = [], base
    for version in later:
        by = f"{_who(version.revision)}，{_when(version.revision.date_created)}"
        if previous is None:
            lines.append(f"（{by}保存了修改，修改前的内容无记录）")
        else:
            for row in compare_versions(type(obj), previous, version, related=related):
                if row["changed"]:
                    old, new = _short(row["old"]) or "（空）", _short(row["new"]) or "（空）"
                    lines.append(f"{row['label']}：“{old}” → “{new}”（{by}）")
        previous = version
    if not later:
        lines.append("（修改没有留下历史记录，无法列出改动的字段）")
    elif not lines:
        last = later[-1].revision
        lines.append(f"（{_who(last)}，{_when(last.date_created)}保存过，各字段没有变化）")
    return lines


def last_saved(obj) -> str:
    """Say who saved ``obj`` last and when, from its history: 林平，10:42."""
    version = Version.objects.get_for_object(obj).select_related("revision__user").order_by("-pk").first()
    if version is None:
        return "他人"
    return f"{_who(version.revision)}（{_when(version.revision.date_created)}）"


class Conflict:
    """One row of a refused form: opened at ``opened``, now at ``current`` (None: deleted)."""

    def __init__(self, obj, *, opened: int, current: int | None, related=()):
        # The form's instance holds the refused input; name the row as it is now.
        now = type(obj)._base_manager.filter(pk=obj.pk).first() if current is not None else None
        self.obj, self.opened, self.current = now or obj, opened, current
        self.related = related

    @property
    def title(self) -> str:
        return f"{self.obj._meta.verbose_name}“{self.obj}”"

    @property
    def lines(self) -> list[str]:
        if self.current is None:
            return ["已被删除"]
        return changes_since(self.obj, self.opened, self.related)

    @property
    def exact(self) -> bool:
        """Return True when the history holds the version the form was opened on (re-apply can tell own changes)."""
        return self.current is None or history_since(self.obj, self.opened)[0] is not None
