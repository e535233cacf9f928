"""Sitemaps of the public site: issues, pages, articles and themes.

Each section lists only what ``published()`` lets the public see; the index
at /sitemap.xml points at the sections, which Django paginates at 50,000
entries, so decades of articles still fit.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from articles.models import Article
from articles.selectors import public_themes
from issues.models import Issue, Page


class LatestLastmodMixin:
    """Give the sitemap index each section's newest change with one aggregate query.

    Django's default calls ``lastmod`` on every item: a million articles
    loaded to find one date (14 s on the benchmark archive).
    """

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class SectionsSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return ["issues:latest", "issues:archive", "articles:theme_list"]

    def location(self, item):
        return reverse(item)


class IssueSitemap(LatestLastmodMixin, Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Issue.objects.published().order_by("-date").only("id", "date", "updated_at")

    def lastmod(self, issue):
        return issue.updated_at


class PageSitemap(LatestLastmodMixin, Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return (
            Page.objects.published()
            .select_related("issue")
            .order_by("-issue__date", "sort_key")
            .only("id", "code", "updated_at", "issue__id", "issue__date")
        )

    def lastmod(self, page):
        return page.updated_at


class ArticleSitemap(LatestLastmodMixin, Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published().order_by("-page__issue__date", "id").only("id", "updated_at")

    def lastmod(self, article):
        return article.updated_at


class ThemeSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return public_themes().order_by("name")

    def location(self, theme):
        return reverse("articles:theme", kwargs={"slug": theme.slug})


SITEMAPS = {
    "sections": SectionsSitemap,
    "issues": IssueSitemap,
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "themes": ThemeSitemap,
}
