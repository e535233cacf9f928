"""The newsroom's admin: issues, pages, articles and themes, one module each.

The admin of issues and pages is here, not in ``issues``, because it edits and
publishes articles with them, and ``issues`` never imports ``articles``. What
every edited table shares (history, compact file boxes) is in
``unionpaper.adminkit``.
"""

from .articles import ArticleAdmin
from .issues import IssueAdmin
from .pages import PageAdmin
from .pool import PoolArticleAdmin, TrashedArticleAdmin
from .staff import StaffUserAdmin
from .themes import ThemeAdmin

__all__ = [
    "ArticleAdmin",
    "IssueAdmin",
    "PageAdmin",
    "PoolArticleAdmin",
    "StaffUserAdmin",
    "ThemeAdmin",
    "TrashedArticleAdmin",
]
