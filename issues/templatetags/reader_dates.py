"""Dates as the paper prints them, for templates."""

from django import template

from unionpaper.dates import date_zh, weekday_zh

register = template.Library()


@register.filter
def zh_date(value):
    """Return 2023年01月01日 for a date (blank for None)."""
    return date_zh(value) if value else ""


@register.filter
def zh_weekday(value):
    """Return 星期日 for a date (blank for None)."""
    return weekday_zh(value) if value else ""
