"""The whole current result set as CSV, JSON or RIS (Zotero and EndNote import RIS).

CSV is for archivists' spreadsheets: Chinese headers, one column per printed
part of the citation, UTF-8 with a byte order mark so Excel reads it. A
spreadsheet runs a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (``=HYPERLINK(…)`` in a headline), so such a
cell is written with a single quote before it, as OWASP recommends against
CSV injection, and every cell is quoted; the spreadsheet shows the text as
written. JSON and RIS carry the text unchanged. JSON
carries the same fields under stable English keys, readable as written (not
``\\u``-escaped). RIS is what reference managers read. Each download is named
after the query and the day it was made (``职工天地检索_法律援助_2026-12-01.csv``),
in the RFC 6266/5987 form browsers read, with a plain ASCII name beside it for
those that do not.
"""

import csv
import io
import json
import re
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from ..citations import ris

# JSON key and CSV header of each field, in the CSV's column order.
COLUMNS = [
    ("citation", "引文"),
    ("url", "链接"),
    ("date", "日期"),
    ("issue_number", "期号"),
    ("page", "版次"),
    ("page_name", "版名"),
    ("kicker", "引题"),
    ("headline", "主标题"),
    ("subtitle", "副标题"),
    ("authors", "作者"),
    ("themes", "主题"),
]
FIELDS = [key for key, _ in COLUMNS]
HEADERS = [header for _, header in COLUMNS]
LIST_SEPARATOR = "、"
# Characters no file name may hold on Windows, macOS or Linux, and runs of spaces.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+|\s+')
QUERY_IN_NAME = 40
# How a cell that a spreadsheet would read as a formula starts (OWASP, CSV Injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value) -> str:
    """Return ``value`` as a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def rows(articles, absolute):
    for article in articles:
        issue = article.page.issue
        yield {
            "citation": article.citation,
            "url": absolute(article.get_absolute_url()),
            "date": article.date.isoformat(),
            "issue_number": issue.number,
            "page": article.page.code,
            "page_name": article.page.name,
            "kicker": article.kicker,
            "headline": article.headline,
            "subtitle": article.subtitle,
            "authors": article.authors,
            "themes": [t.name for t in article.themes.all()],
        }


def filename(query: str, fmt: str) -> str:
    """Return the download's name: the paper, the query and today's date (``职工天地检索_法律援助_2026-12-01.csv``)."""
    words = _UNSAFE.sub("_", query or "").strip("._ ")[:QUERY_IN_NAME].rstrip("._ ") or "全部"
    return f"{settings.PAPER_NAME}检索_{words}_{timezone.localdate().isoformat()}.{fmt}"


def content_disposition(name: str) -> str:
    """Return an attachment header with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 5987)."""
    fallback = "search-results_" + name.rsplit("_", 1)[-1]
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def response(fmt, articles, *, absolute, query="") -> HttpResponse:
    """Return the download for ``fmt`` (csv, json or ris)."""
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # so that Excel reads the file as UTF-8
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)
        writer.writerow(HEADERS)
        for row in rows(articles, absolute):
            row["authors"], row["themes"] = LIST_SEPARATOR.join(row["authors"]), LIST_SEPARATOR.join(row["themes"])
            writer.writerow([spreadsheet_cell(row[key]) for key in FIELDS])
        body, content_type = out.getvalue(), "text/csv; charset=utf-8"
    elif fmt == "json":
        items = list(rows(articles, absolute))
        body = json.dumps({"query": query, "count": len(items), "results": items}, ensure_ascii=False, indent=1)
        content_type = "application/json; charset=utf-8"
    else:
        body = ris(articles, url_for=lambda a: absolute(a.get_absolute_url()))
        content_type = "application/x-research-info-systems; charset=utf-8"
    resp = HttpResponse(body, content_type=content_type)
    resp["Content-Disposition"] = content_disposition(filename(query, fmt))
    return resp
