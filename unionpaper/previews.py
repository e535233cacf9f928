"""Responses that show staff unpublished content in the public templates."""

from django.utils.cache import add_never_cache_headers


def preview_aware(response, preview: bool):
    """Mark a preview of unpublished content: never cached, never indexed."""
    if preview:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response
