"""The one place where article HTML is made safe.

CKEditor 4.22.1 has known unfixed issues (check ``ckeditor.W001``), and
imported text comes from outside, so every body is cleaned here on the way
in (Article.save) and again on the way out (the ``clean_html`` filter). The
allow-list keeps what CKEditor legitimately produces with our toolbar.
"""
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "strong", "b", "em", "i", "u", "s", "strike", "sub", "sup", "span", "div",
    "ul", "ol", "li",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
    "a", "img", "figure", "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "*": {"style", "title"},
    "a": {"href", "name", "target"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "table": {"summary"},
    "ol": {"start", "type"},
    "col": {"span"},
    "colgroup": {"span"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Only layout properties CKEditor writes; nothing that can load or run anything.
ALLOWED_STYLE_PROPERTIES = {
    "text-align", "width", "height", "float", "margin", "margin-left", "margin-right",
    "border-width", "border-style", "text-decoration", "font-weight", "font-style",
}


def clean_html(html: str) -> str:
    """Return ``html`` with everything not on the allow-list removed."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        clean_content_tags={"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math"},
        link_rel="noopener noreferrer",
        strip_comments=True,
        filter_style_properties=ALLOWED_STYLE_PROPERTIES,
    )
