"""Admin building blocks the apps share; this package imports no app.

``history`` (the history page: compare and restore versions) with ``compare``
(the rows of a comparison), ``restore`` (what a restore changes) and
``restore_form`` (the restore page's boxes), ``files`` (compact file boxes, notices of uploads not kept) and
``scale`` (lists that stay fast at a million rows), ``concurrency`` (no save
based on a stale version) with ``conflicts`` (what was saved since, by whom),
``presence`` (who has a form open), ``staff`` (new staff accounts). ``NewsroomAdmin`` puts history, files and
concurrency together for every table the newsroom edits.
"""

from reversion.admin import VersionAdmin

from .concurrency import ConcurrentAdminMixin
from .files import ADMIN_FORMS_CSS, UnsavedUploadsMixin
from .history import HistoryCompareMixin


class NewsroomAdmin(ConcurrentAdminMixin, UnsavedUploadsMixin, HistoryCompareMixin, VersionAdmin):
    """The admin of an edited table: no stale save, history with compare and safe restore, no upload lost unsaid."""

    class Media:
        css = ADMIN_FORMS_CSS
