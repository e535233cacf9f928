"""RSS feeds of the newest articles, overall and per theme."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import Truncator

from unionpaper import cache_keys as ck

from . import selectors

FEED_SIZE = 30
SUMMARY_CHARS = 160


class LatestArticlesFeed(Feed):
    """The newest ``FEED_SIZE`` published articles, which may span several issues."""

    language = "zh-cn"

    def title(self):
        return f"《{settings.PAPER_NAME}》最新文章"

    def description(self):
        return f"《{settings.PAPER_NAME}》数字报最近发布的{FEED_SIZE}篇文章，可跨几期，最新一期在前，按版序排列。"

    def link(self):
        return reverse("issues:latest")

    def items(self):
        articles = selectors.latest_articles(limit=FEED_SIZE)
        ck.depends_on_text(*articles)  # each item carries a summary of its body and its last change
        return articles

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return Truncator(article.plain_text).chars(SUMMARY_CHARS)

    def item_link(self, article):
        return article.get_absolute_url()

    def item_pubdate(self, article):
        return article.publish_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return article.author_names or None

    def item_categories(self, article):
        return [article.page.label]


class ThemeFeed(LatestArticlesFeed):
    """The newest articles of one theme."""

    def get_object(self, request, slug):
        return get_object_or_404(selectors.public_themes(), slug=slug)

    def title(self, theme):
        return f"《{settings.PAPER_NAME}》主题：{theme.name}"

    def description(self, theme):
        return theme.description or f"《{settings.PAPER_NAME}》中主题为“{theme.name}”的文章。"

    def link(self, theme):
        return reverse("articles:theme", kwargs={"slug": theme.slug})

    def items(self, theme):
        articles = list(selectors.theme_articles(theme)[:FEED_SIZE])
        ck.depends_on(theme)
        ck.depends_on_list(ck.theme_list(theme.pk))
        selectors.depends_on_headlines(articles)
        ck.depends_on_text(*articles)
        return articles
