"""Template tags of the article admin."""

from django import template

from issues.models import Issue
from unionpaper.adminkit.scale import issue_date_hierarchy

register = template.Library()


@register.inclusion_tag("admin/date_hierarchy.html")
def article_date_hierarchy(cl):
    """Render the date hierarchy from the issues' dates (cheap at a million articles)."""
    return issue_date_hierarchy(cl, Issue.objects.all())
