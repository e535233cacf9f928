"""Building blocks of the sitemaps; each app has its own sections, assembled in ``unionpaper/urls.py``.

Each section lists only what ``published()`` lets the public see; the index
at /sitemap.xml points at the sections, which Django paginates at 50,000
entries, so decades of articles still fit.

Django's ``GenericSitemap`` does not fit the sections of published rows: it
keeps the queryset it is given, and with it the *now* of ``published()``
fixed when the URLconf was loaded, so a scheduled publication would never
reach the sitemap. Each section builds its queryset when asked instead.
"""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.urls import reverse

from unionpaper import cache_keys as ck


def index(request, **kwargs):
    """Django's sitemap index, kept until a section's pages or newest change move."""
    ck.depends_on_list(ck.SITEMAP_INDEX)
    return sitemap_views.index(request, **kwargs)


def section(request, section, **kwargs):
    """Django's sitemap of one section, kept until what the section lists changes."""
    ck.depends_on_list(ck.sitemap_list(section))
    return sitemap_views.sitemap(request, section=section, **kwargs)


class LatestLastmodMixin:
    """Give the sitemap index each section's newest change with one aggregate query.

    Django's default calls ``lastmod`` on every item: a million articles
    loaded to find one date (14 s on the benchmark archive).
    """

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]

    def lastmod(self, item):
        return item.updated_at


class SectionsSitemap(Sitemap):
    """The site's fixed entry pages, named by their URL names."""

    changefreq = "daily"
    priority = 0.6

    def __init__(self, names: list[str]):
        self.names = names

    def items(self):
        return self.names

    def location(self, item):
        return reverse(item)
