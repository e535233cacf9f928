"""Small builders for test data; each test states what it needs."""

import datetime
import io
import itertools
import re

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.hotareas.shapes import rect_from_percent
from articles.models import Article
from issues.models import Issue, Page
from unionpaper.publishing import Status

_numbers = itertools.count(1)


def png_bytes(width=60, height=90, color=(200, 200, 200), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, fmt)
    return out.getvalue()


def pdf_bytes(text="page") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=300)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_issue(date=datetime.date(2023, 1, 1), *, published=True, **kwargs) -> Issue:
    kwargs.setdefault("number", next(_numbers))
    if published:
        kwargs.setdefault("status", Status.PUBLISHED)
        kwargs.setdefault("publish_at", timezone.now() - datetime.timedelta(days=1))
    return Issue.objects.create(date=date, **kwargs)


def make_page(issue=None, code="A01", *, name="要闻", image=False, pdf=False, **kwargs) -> Page:
    issue = issue or make_issue()
    page = Page(issue=issue, code=code, name=name, **kwargs)
    if image:
        page.image.save("scan.png", ContentFile(png_bytes(600, 900)), save=False)
    if pdf:
        page.pdf.save("page.pdf", ContentFile(pdf_bytes(code)), save=False)
    page.save()
    return page


def rect_area(left, top, width, height) -> list[dict]:
    """Return hot areas of one rectangle given in percent of the page (left, top, width, height)."""
    return [rect_from_percent(left, top, width, height)]


def make_article(page=None, *, headline="职工书屋开进车间", published=True, themes=(), **kwargs) -> Article:
    page = page or make_page()
    if published:
        kwargs.setdefault("status", Status.PUBLISHED)
        kwargs.setdefault("publish_at", timezone.now() - datetime.timedelta(days=1))
    kwargs.setdefault("body", "<p>市总工会在机械厂车间建起职工书屋。</p>")
    article = Article.objects.create(page=page, headline=headline, **kwargs)
    if themes:
        article.themes.add(*themes)
    return article


def found_by_author(name: str) -> list[Article]:
    """Return the articles a reader finds on /search/ by the author filter alone, in the order shown."""
    from django.test import Client

    response = Client().get("/search/", {"author": name})
    assert response.status_code == 200, response.status_code
    hit = r'class="search-hit">\s*<h2><a href="/articles/(\d+)/'
    ids = [int(pk) for pk in re.findall(hit, response.content.decode())]
    found = Article.objects.in_bulk(ids)
    return [found[pk] for pk in ids]
