"""Site-wide views that belong to no app: robots.txt, /favicon.ico and the CSRF failure page."""

from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.template import loader
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


def csrf_failure(request, reason=""):
    """Refuse a post without a valid CSRF token with the project's own page (CSRF_FAILURE_VIEW).

    The reason Django gives (no cookie, a foreign Referer, …) is for the log,
    never the page: it tells an attacker what to try next.
    """
    return HttpResponseForbidden(loader.get_template("403_csrf.html").render())
