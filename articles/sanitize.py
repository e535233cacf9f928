"""The one place where article HTML is made safe.

CKEditor 4.22.1 has known unfixed issues (check ``ckeditor.W001``), and
imported text comes from outside, so every body is cleaned here on the way
in (Article.save, which imports and history restores also go through) and
again on the way out. The allow-list keeps what CKEditor legitimately
produces with our toolbar: paragraphs, headings, lists, tables, images,
links, emphasis. Everything else, including any attribute that can run
script or load from elsewhere, is dropped by nh3 (Rust ammonia), which
parses like a browser does, so broken markup cannot smuggle anything past.
"""

import re

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "strike",
    "sub",
    "sup",
    "span",
    "div",
    "ul",
    "ol",
    "li",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "colgroup",
    "col",
    "a",
    "img",
    "figure",
    "figcaption",
}
# No id, name or class: they could clobber globals or borrow the site's own
# styles and scripts (DOM clobbering).
ALLOWED_ATTRIBUTES = {
    "*": {"style", "title"},
    "a": {"href", "target"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "table": {"summary", "border", "cellpadding", "cellspacing"},
    "ol": {"start", "type"},
    "col": {"span"},
    "colgroup": {"span"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Only layout properties CKEditor writes; nothing that can load or run anything.
ALLOWED_STYLE_PROPERTIES = {
    "text-align",
    "width",
    "height",
    "float",
    "margin",
    "margin-left",
    "margin-right",
    "border-width",
    "border-style",
    "text-decoration",
    "font-weight",
    "font-style",
}
# Elements whose content is dropped with them (not kept as text).
DROP_WITH_CONTENT = {
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "xmp",
    "noembed",
    "noframes",
    "textarea",
    "select",
    "title",
    "head",
    "base",
    "meta",
    "link",
}
# A style value is plain words, numbers, units, #colours and a few marks;
# anything that could call a function (expression(), url()), escape
# (backslashes) or start another declaration or rule is refused.
_STYLE_VALUE = re.compile(r"^[\w\s.,%#+\-]*$", re.ASCII)
_NUMBER = re.compile(r"^\d{1,4}%?$")


def _clean_style(value: str) -> str | None:
    kept = []
    for declaration in value.split(";"):
        name, sep, val = declaration.partition(":")
        name, val = name.strip().lower(), val.strip()
        if sep and name in ALLOWED_STYLE_PROPERTIES and val and _STYLE_VALUE.match(val):
            kept.append(f"{name}:{val}")
    return "; ".join(kept) or None


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "style":
        return _clean_style(value)
    if attr in {"title", "alt"}:
        # Plain text; angle brackets in them only ever serve markup tricks.
        return value.replace("<", "").replace(">", "")
    if attr == "target":
        # A link may open a new tab and nothing else (no named or parent frames).
        return "_blank" if value.strip().lower() == "_blank" else None
    if attr in {"width", "height", "colspan", "rowspan", "span", "start", "border", "cellpadding", "cellspacing"}:
        return value if _NUMBER.match(value.strip()) else None
    return value


def clean_html(html: str) -> str:
    """Return ``html`` with everything not on the allow-list removed."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=ALLOWED_URL_SCHEMES,
        clean_content_tags=DROP_WITH_CONTENT,
        link_rel="noopener noreferrer",
        strip_comments=True,
        filter_style_properties=ALLOWED_STYLE_PROPERTIES,
    )
