"""Site-wide views that belong to no app: robots.txt and /favicon.ico."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

from unionpaper.paths import ROBOTS_DISALLOW


@require_safe
def robots_txt(request):
    """Tell crawlers what to index and where the sitemap is."""
    lines = [
        "User-agent: *",
        *(f"Disallow: {prefix}" for prefix in ROBOTS_DISALLOW),
        f"Sitemap: {request.build_absolute_uri(reverse('issues:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Send /favicon.ico, which browsers ask for on pages that name no icon (the admin's), to the paper's icon."""
    response = redirect(static("reader/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"  # the icon's hashed name changes with each release
    return response
