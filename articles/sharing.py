"""What a shared link shows: OpenGraph and Twitter cards, and schema.org JSON-LD for search engines.

Each public view that can be shared (article, page, issue, theme) builds a
``Share``: title, description, canonical URL, a card image at least 1,200
pixels wide, and its JSON-LD (``NewsArticle`` for an article, a
``BreadcrumbList`` everywhere). ``templates/_share.html`` writes it into the
page's head. Text is passed as written; the template escapes it once.
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from unionpaper.renditions import Rendition, share_image

from .hotareas.shapes import bounding_box

# What ends a <script> early or starts markup is written as a JSON escape (as Django's json_script does).
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
# The publisher's logo (static/reader/logo.png), square, for JSON-LD and for cards without a picture.
LOGO = ("reader/logo.png", 512, 512)


@dataclass(frozen=True)
class Share:
    title: str
    description: str
    url: str
    image: Rendition | None = None
    type: str = "website"
    published_time: str = ""
    modified_time: str = ""
    tags: tuple[str, ...] = ()
    jsonld: list[dict] = field(default_factory=list)

    @property
    def jsonld_html(self) -> str:
        """Return the JSON-LD as ``<script type="application/ld+json">`` blocks, safe inside HTML."""
        blocks = (json.dumps(item, ensure_ascii=False).translate(JSON_ESCAPES) for item in self.jsonld)
        return mark_safe("\n".join(f'<script type="application/ld+json">{b}</script>' for b in blocks))


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url)


def _image(request, rendition: Rendition | None):
    if rendition is None:
        return None
    return Rendition(rendition.name, _absolute(request, rendition.url), rendition.width, rendition.height, "image/jpeg")


def logo(request) -> Rendition:
    name, width, height = LOGO
    return Rendition(name, _absolute(request, static(name)), width, height, "image/png")


def _area_box(article) -> tuple[float, float, float, float] | None:
    """Return the box around the article's hot areas as fractions of its scan (left, top, width, height)."""
    return bounding_box(article.hot_areas or [])


def article_image(article, photos=()) -> Rendition | None:
    """Return the article's share image: its lead photo, else its page scan around its area, else the whole scan."""
    if photos:
        made = share_image(photos[0].image.name)
        if made is not None:
            return made
    page = article.page
    if page is None or not page.image:
        return None
    return share_image(page.image.name, crop=_area_box(article))


def publisher(request) -> dict:
    image = logo(request)
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.PAPER_NAME,
        "url": _absolute(request, reverse("issues:latest")),
        "logo": {"@type": "ImageObject", "url": image.url, "width": image.width, "height": image.height},
    }


def breadcrumbs(request, trail: list[tuple[str, str]]) -> dict:
    """Return a ``BreadcrumbList`` of (name, URL) from the home page down to the current page."""
    items = [("首页", reverse("issues:latest")), *trail]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": _absolute(request, url)}
            for n, (name, url) in enumerate(items, start=1)
        ],
    }


def _issue_crumb(issue) -> tuple[str, str]:
    return f"{issue.date_display}{issue.number_display}", issue.get_absolute_url()


def _page_crumb(page) -> tuple[str, str]:
    return page.label, page.get_absolute_url()


def _publication_issue(request, issue) -> dict:
    out = {
        "@type": "PublicationIssue",
        "name": f"《{settings.PAPER_NAME}》{issue.date_display}{issue.number_display}",
        "datePublished": issue.date.isoformat(),
        "url": _absolute(request, issue.get_absolute_url()),
        "isPartOf": {"@type": "Periodical", "name": settings.PAPER_NAME},
    }
    if issue.number:
        out["issueNumber"] = str(issue.number)
    return out


def _when(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def article_share(request, article, *, summary: str, photos=(), themes=()) -> Share:
    """Return what a shared article shows, with its ``NewsArticle`` and breadcrumbs."""
    page, issue = article.page, article.page.issue
    url = _absolute(request, article.get_absolute_url())
    image = _image(request, article_image(article, photos))
    published = _when(article.publish_at or issue.publish_at)
    news = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": "zh-CN",
        "description": summary,
        "datePublished": published,
        "dateModified": _when(article.updated_at) or published,
        "author": [{"@type": "Person", "name": name} for name in article.authors] or [publisher(request)],
        "publisher": publisher(request),
        "isPartOf": _publication_issue(request, issue),
        "printEdition": f"{issue.date_display}{issue.number_display}",
        "printPage": page.code,
    }
    alternatives = [text for text in (article.kicker, article.subtitle) if text]
    if alternatives:
        news["alternativeHeadline"] = alternatives[0] if len(alternatives) == 1 else alternatives
    if page.name:
        news["printSection"] = page.name
    if image is not None:
        news["image"] = [image.url]
    if themes:
        news["keywords"] = [t.name for t in themes]
    trail = [_issue_crumb(issue), _page_crumb(page), (article.headline, article.get_absolute_url())]
    return Share(
        title=article.headline,
        description=summary,
        url=url,
        image=image or logo(request),
        type="article",
        published_time=published,
        modified_time=news["dateModified"],
        tags=tuple(t.name for t in themes),
        jsonld=[news, breadcrumbs(request, trail)],
    )


def page_share(request, page, *, title: str, description: str, url: str) -> Share:
    """Return what a shared page view shows: the whole scan as its card."""
    scan = share_image(page.image.name) if page.image else None
    return Share(
        title=title,
        description=description,
        url=url,
        image=_image(request, scan) or logo(request),
        jsonld=[breadcrumbs(request, [_issue_crumb(page.issue), _page_crumb(page)])],
    )


def issue_share(request, issue, pages, *, description: str) -> Share:
    """Return what a shared issue shows: its first page's scan as its card."""
    first = next((p for p in pages if p.image), None)
    scan = share_image(first.image.name) if first is not None else None
    crumb = _issue_crumb(issue)
    return Share(
        title=f"《{settings.PAPER_NAME}》{crumb[0]}",
        description=description,
        url=_absolute(request, issue.get_absolute_url()),
        image=_image(request, scan) or logo(request),
        jsonld=[breadcrumbs(request, [crumb])],
    )


def theme_share(request, theme, *, url: str) -> Share:
    """Return what a shared theme page shows (the paper's logo as its card)."""
    return Share(
        title=f"主题：{theme.name}",
        description=f"《{settings.PAPER_NAME}》“{theme.name}”主题的文章，共{theme.article_count}篇。",
        url=url,
        image=logo(request),
        jsonld=[breadcrumbs(request, [("主题", reverse("articles:theme_list")), (theme.name, url)])],
    )
