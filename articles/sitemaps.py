"""Sitemap sections of articles and themes."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from unionpaper.sitemaps import LatestLastmodMixin

from .models import Article
from .selectors import public_themes


class ArticleSitemap(LatestLastmodMixin, Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published().order_by("-page__issue__date", "id").only("id", "updated_at")


class ThemeSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return public_themes().order_by("name")

    def location(self, theme):
        return reverse("articles:theme", kwargs={"slug": theme.slug})
