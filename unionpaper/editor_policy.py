"""What the rich-text editor's pages may do in the browser, and the static pages that ship with it.

CKEditor 4 writes inline styles and inline event handlers (its toolbar's
``onclick="CKEDITOR.tools.callFunction(…)"``) into the page and its editing
area. ``CKEDITOR_CSP`` allows exactly those on the views that show the editor
(``@csp_update(CKEDITOR_CSP)``) and nowhere else; inline <script> elements
stay forbidden even there, and what reaches the editor from the database has
already been sanitized.

The editor's package also ships HTML pages among its static files
(``plugins/preview/preview.html``, ``plugins/wsc/dialogs/ciframe.html``), each
with an inline script. The editor opens none of them: its preview writes into
a blank window it opens itself, and the spell-check dialog is not loaded.
WhiteNoise serves static files before any view or middleware that would add
the Content-Security-Policy, so ``add_static_document_headers``
(``WHITENOISE_ADD_HEADERS_FUNCTION``) gives every static file a browser reads
as a document (HTML, XHTML, SVG) the editor's policy, with no framing at all
(``frame-ancestors 'none'``, ``X-Frame-Options: DENY``): their inline
scripts do not run, and no page, ours or another site's, can frame them. The
exportpdf plugin's manual test pages are not collected at all
(``unionpaper.static_finders``).
"""

from wsgiref.headers import Headers

from csp.utils import build_policy

CKEDITOR_CSP = {
    "style-src": ["'unsafe-inline'"],
    "script-src-attr": ["'unsafe-inline'"],
    "img-src": ["data:", "blob:"],
}

# Media types a browser opens as a document that can run script.
DOCUMENT_TYPES = frozenset({"text/html", "application/xhtml+xml", "image/svg+xml"})


def static_document_policy() -> str:
    return build_policy(update=CKEDITOR_CSP, replace={"frame-ancestors": ["'none'"]})


def add_static_document_headers(headers: Headers, path: str, url: str) -> None:
    """WhiteNoise's hook: the editor's policy, unframeable, on every static HTML, XHTML or SVG file."""
    media_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if media_type in DOCUMENT_TYPES:
        headers["Content-Security-Policy"] = static_document_policy()
        headers["X-Frame-Options"] = "DENY"
