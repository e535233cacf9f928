"""Deep Zoom pyramids of page scans, made when a scan is stored.

The pyramid is made once the transaction that stored the scan commits (a
rolled-back save leaves no tiles behind), never on a reader's request;
scans stored before this existed get theirs from ``make_deep_zoom``, the
management command.
"""

import logging

from django.db import transaction

from unionpaper.deepzoom import deep_zoom, make_deep_zoom

logger = logging.getLogger(__name__)


def make_page_deep_zoom(sender, instance, **kwargs):
    """Make the pyramid of a saved page's scan once its transaction commits, unless it exists."""
    name = instance.image.name if instance.image else ""
    if name and deep_zoom(name) is None:
        transaction.on_commit(lambda: make_deep_zoom(name), robust=True)
