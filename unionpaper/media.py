"""Serve uploaded media from the app server, with long cache lifetimes.

Every stored name is generated and never reused (unionpaper/uploads.py, the
renditions and the issue PDFs likewise), so a file at a URL never changes and
may be cached for a year. Behind a web server or with object storage, let
that serve ``/media/`` instead (docs/deploy.md).
"""

from django.conf import settings
from django.views.static import serve

CACHE_CONTROL = "public, max-age=31536000, immutable"


def serve_media(request, path):
    """Return the file under MEDIA_ROOT (path-safe; 404 when absent) with cache headers."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response
