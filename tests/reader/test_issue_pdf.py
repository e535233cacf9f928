"""The whole issue as one PDF: the page PDFs joined, made once, remade when a page PDF changes."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pypdf import PdfReader, PdfWriter

from issues import pdf as issue_pdf_module
from tests.factories import make_issue, make_page, pdf_bytes

pytestmark = pytest.mark.django_db


def sized_pdf(width) -> bytes:
    """Return a one-page PDF whose width tells which page it is."""
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=300)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def issue(no_page_cache):
    issue = make_issue(datetime.date(2023, 1, 1))
    for code in ("A03", "A01", "A02"):
        page = make_page(issue, code)
        page.pdf.save("page.pdf", ContentFile(sized_pdf(200 + int(code[1:]))), save=True)
    make_page(issue, "A04")  # no PDF: skipped
    return issue


def joined(client, issue):
    response = client.get(f"/issues/{issue.date.isoformat()}/issue.pdf")
    assert response.status_code == 302
    name = response["Location"].removeprefix("/media/")
    with default_storage.open(name) as f:
        return name, PdfReader(io.BytesIO(f.read()))


def test_issue_pdf_joins_the_page_pdfs_in_page_order(client, issue):
    name, reader = joined(client, issue)
    assert name.startswith("issues/pdf/2023-01-01-")
    assert [int(p.mediabox.width) for p in reader.pages] == [201, 202, 203]
    assert "下载本期全部版面" in client.get(issue.get_absolute_url()).content.decode()


def test_issue_pdf_is_made_once(client, issue, monkeypatch):
    calls = []
    real = issue_pdf_module.PdfWriter
    monkeypatch.setattr(issue_pdf_module, "PdfWriter", lambda *a, **k: calls.append(1) or real(*a, **k))
    first, _ = joined(client, issue)
    second, _ = joined(client, issue)
    assert first == second and len(calls) == 1


def test_changing_a_page_pdf_makes_a_new_issue_pdf(client, issue):
    before, _ = joined(client, issue)
    page = issue.pages.get(code="A02")
    page.pdf.save("new.pdf", ContentFile(pdf_bytes("A02 corrected")), save=True)
    after, reader = joined(client, issue)
    assert after != before and len(reader.pages) == 3
    assert [int(p.mediabox.width) for p in reader.pages] == [201, 200, 203]
    page.pdf.delete(save=True)
    _, reader = joined(client, issue)
    assert [int(p.mediabox.width) for p in reader.pages] == [201, 203]


def test_an_issue_without_page_pdfs_has_no_issue_pdf(client, no_page_cache):
    issue = make_issue(datetime.date(2023, 1, 2))
    make_page(issue, "A01")
    assert client.get(f"/issues/{issue.date.isoformat()}/issue.pdf").status_code == 404
    assert "下载本期全部版面" not in client.get(issue.get_absolute_url()).content.decode()
