"""Admin pieces that stay fast with a million rows (the articles list)."""

import datetime

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap; above it the unfiltered list
# shows PostgreSQL's own estimate (kept current by autovacuum's ANALYZE).
EXACT_COUNT_UP_TO = 100_000


class EstimatedCountPaginator(Paginator):
    """Paginate without ``COUNT(*)`` over a whole large table.

    Only the unfiltered list is estimated; any filter or search counts exactly.
    """

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where and not query.combinator:
            connection = connections[queryset.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                        [queryset.model._meta.db_table],
                    )
                    row = cursor.fetchone()
                if row and row[0] > EXACT_COUNT_UP_TO:
                    return int(row[0])
        return super().count


def issue_date_hierarchy(cl, dates):
    """Return the context Django's ``admin/date_hierarchy.html`` expects, from issue dates.

    Django's own tag reads the years and months from the changelist's
    queryset (a scan of every article with two joins); the issues table
    holds the same dates in a few thousand rows.
    """
    field = cl.date_hierarchy
    year_field, month_field, day_field = f"{field}__year", f"{field}__month", f"{field}__day"
    year = cl.params.get(year_field)
    month = cl.params.get(month_field)
    day = cl.params.get(day_field)
    year, month, day = (v[-1] if isinstance(v, list) else v for v in (year, month, day))

    def link(filters):
        return cl.get_query_string(filters, [field + "__"])

    if year and month and day:
        d = datetime.date(int(year), int(month), int(day))
        return {
            "show": True,
            "back": {"link": link({year_field: year, month_field: month}), "title": f"{d.year}年{d.month}月"},
            "choices": [{"title": f"{d.month}月{d.day}日"}],
        }
    if year and month:
        days = dates.filter(date__year=year, date__month=month).dates("date", "day")
        return {
            "show": True,
            "back": {"link": link({year_field: year}), "title": f"{year}年"},
            "choices": [
                {
                    "link": link({year_field: year, month_field: month, day_field: d.day}),
                    "title": f"{d.month}月{d.day}日",
                }
                for d in days
            ],
        }
    if year:
        months = dates.filter(date__year=year).dates("date", "month")
        return {
            "show": True,
            "back": {"link": link({}), "title": "全部日期"},
            "choices": [
                {"link": link({year_field: year, month_field: m.month}), "title": f"{m.year}年{m.month}月"}
                for m in months
            ],
        }
    years = dates.dates("date", "year")
    return {
        "show": True,
        "back": None,
        "choices": [{"link": link({year_field: y.year}), "title": f"{y.year}年"} for y in years],
    }
