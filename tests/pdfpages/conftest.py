"""Generated page PDFs, made once per test run (embedding CJK fonts takes a second or two)."""

import functools

import pytest

from tests.pdfpages.generate import page_pdf


@functools.cache
def _page(layout, font, seed):
    return page_pdf(layout, font=font, seed=seed)


@pytest.fixture
def generated():
    """Return ``(pdf bytes, Page)`` for a layout, a font technology ("cff" or "truetype") and a seed."""
    return lambda layout="classic", font="cff", seed=0: _page(layout, font, seed)
