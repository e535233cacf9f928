"""Path converters for the public URLs; importing this module registers them.

Each URL module that uses ``<date:…>`` imports it, so the converter exists
before its patterns are built, whichever URL module loads first.
"""

import datetime

from django.urls import register_converter


class DateConverter:
    """Match ``YYYY-MM-DD`` and hand the view a ``datetime.date``."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as exc:  # e.g. 2023-02-30: a 404, not a 500
            raise ValueError(value) from exc

    def to_url(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)


register_converter(DateConverter, "date")
