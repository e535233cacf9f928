"""Article text on its way out."""
from django import template
from django.utils.safestring import mark_safe

from articles.sanitize import clean_html

register = template.Library()


@register.filter
def sanitized(html):
    """Return article HTML cleaned again on output, safe to show."""
    return mark_safe(clean_html(html or ""))
