"""The whole issue as one PDF: its page PDFs joined in page order.

The joined file is made once and kept in media storage under a name keyed
by the issue's date and a hash of the page PDFs' stored names. Stored names
are generated and never reused, so replacing, adding or removing a page PDF
gives a new name and the next request builds the file afresh.
"""

import hashlib
import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pypdf import PdfWriter

PREFIX = "issues/pdf"


def issue_pdf_name(issue, pages) -> str | None:
    """Return the storage name of the joined PDF of ``pages`` (None when no page has a PDF)."""
    names = [page.pdf.name for page in pages if page.pdf]
    if not names:
        return None
    digest = hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]
    return f"{PREFIX}/{issue.date.isoformat()}-{digest}.pdf"


def issue_pdf(issue, pages, *, storage=default_storage) -> str | None:
    """Return the storage name of the issue's joined PDF, making it if it does not exist yet."""
    name = issue_pdf_name(issue, pages)
    if name is None or storage.exists(name):
        return name
    writer = PdfWriter()
    for page in pages:
        if page.pdf:
            with page.pdf.open("rb") as file:
                writer.append(io.BytesIO(file.read()))
    writer.add_metadata({"/Title": f"{issue}"})
    out = io.BytesIO()
    writer.write(out)
    saved = storage.save(name, ContentFile(out.getvalue()))
    if saved != name:
        # Another request made it meanwhile: keep theirs, drop ours.
        storage.delete(saved)
    return name
