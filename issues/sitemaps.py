"""Sitemap sections of issues and pages."""

from django.contrib.sitemaps import Sitemap

from unionpaper.sitemaps import LatestLastmodMixin

from .models import Issue, Page


class IssueSitemap(LatestLastmodMixin, Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Issue.objects.published().order_by("-date").only("id", "date", "updated_at")


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
