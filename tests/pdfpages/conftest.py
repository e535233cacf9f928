"""Generated page PDFs, made once per test run (embedding CJK fonts takes a second or two)."""

import pytest

from tests.pdfpages.generate import cached_page_pdf


@pytest.fixture
def generated():
    """Return ``(pdf bytes, Page)`` for a layout, a font technology ("cff" or "truetype") and a seed."""
    return lambda layout="classic", font="cff", seed=0: cached_page_pdf(layout, font, seed)
