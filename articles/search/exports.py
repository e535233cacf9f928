"""The whole current result set as CSV, JSON or RIS (Zotero and EndNote import RIS)."""

import csv
import io
import json

from django.http import HttpResponse

from ..citations import ris

FIELDS = ["citation", "url", "date", "page", "headline", "authors", "themes"]


def rows(articles, absolute):
    for article in articles:
        yield {
            "citation": article.citation,
            "url": absolute(article.get_absolute_url()),
            "date": article.date.isoformat(),
            "page": article.page.code,
            "headline": article.headline,
            "authors": article.authors,
            "themes": [t.name for t in article.themes.all()],
        }


def response(fmt, articles, *, absolute, query="") -> HttpResponse:
    """Return the download for ``fmt`` (csv, json or ris)."""
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # so that Excel reads the file as UTF-8
        writer = csv.DictWriter(out, fieldnames=FIELDS)
        writer.writeheader()
        for row in rows(articles, absolute):
            writer.writerow({**row, "authors": "、".join(row["authors"]), "themes": "、".join(row["themes"])})
        body, content_type = out.getvalue(), "text/csv; charset=utf-8"
    elif fmt == "json":
        items = list(rows(articles, absolute))
        body = json.dumps({"query": query, "count": len(items), "results": items}, ensure_ascii=False, indent=1)
        content_type = "application/json; charset=utf-8"
    else:
        body = ris(articles, url_for=lambda a: absolute(a.get_absolute_url()))
        content_type = "application/x-research-info-systems; charset=utf-8"
    resp = HttpResponse(body, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="search-results.{fmt}"'
    return resp
