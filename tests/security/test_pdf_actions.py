"""A page PDF that runs JavaScript when opened, or when a page is shown, is refused wherever it comes in."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from issues.models import Page
from unionpaper.uploads import inspect_pdf, validate_pdf_upload


def _javascript(writer: PdfWriter):
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('职工天地');")}
    )
    return writer._add_object(action)


def page_pdf(*, open_action=False, page_action=False) -> bytes:
    """Return a one-page PDF, with a JavaScript action on opening the file or on showing its page."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=300)
    if open_action:
        writer.root_object[NameObject("/OpenAction")] = _javascript(writer)
    if page_action:
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _javascript(writer)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(data: bytes) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.size = len(data)
    return stream


def test_a_plain_page_pdf_is_accepted():
    # The same construction without an action passes, so a refusal below is for the action.
    assert inspect_pdf(upload(page_pdf())) == 1
    validate_pdf_upload(upload(page_pdf()))


@pytest.mark.parametrize(
    "actions",
    [{"open_action": True}, {"page_action": True}],
    ids=["JavaScript as the document's /OpenAction", "JavaScript in a page's /AA"],
)
def test_a_pdf_with_a_javascript_action_is_refused(actions):
    data = page_pdf(**actions)
    for check in (inspect_pdf, validate_pdf_upload):
        with pytest.raises(ValidationError) as refused:
            check(upload(data))
        assert refused.value.code == "active_pdf"
        assert "出于安全不予接受" in refused.value.messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize("actions", [{"open_action": True}, {"page_action": True}], ids=["open action", "page action"])
def test_an_imported_issue_folder_pdf_with_a_javascript_action_is_refused_and_nothing_is_stored(tmp_path, actions):
    folder = tmp_path / "2023-03-05"
    folder.mkdir()
    (folder / "A01.pdf").write_bytes(page_pdf(**actions))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(folder), "--no-progress", stdout=io.StringIO(), stderr=err)
    assert "A01.pdf" in err.getvalue() and "出于安全不予接受" in err.getvalue()
    assert not Page.objects.exists()
