"""Template context shared by every page."""

from django.conf import settings


def paper(request):
    """Expose the paper's name as ``PAPER_NAME``."""
    return {"PAPER_NAME": settings.PAPER_NAME}
