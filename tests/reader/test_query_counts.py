"""Every public view runs the same number of SQL queries for a small and a large issue."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from tests.reader.builders import build_issue

pytestmark = pytest.mark.django_db


def urls_for(issue):
    pages = list(issue.pages.order_by("sort_key"))
    page = pages[len(pages) // 2]
    articles = list(Article.objects.filter(page=page).order_by("order", "id"))
    article = articles[len(articles) // 2]
    day = issue.date.isoformat()
    return {
        "front": "/",
        "calendar": f"/issues/?year={issue.date.year}",
        "issue": f"/issues/{day}/",
        "page": f"/issues/{day}/{page.code}/",
        "issue_pdf": f"/issues/{day}/issue.pdf",
        "article": f"/articles/{article.pk}/",
        "themes": "/themes/",
        "theme": "/themes/主题0/",
        "feed": "/feeds/latest/",
        "theme_feed": "/feeds/themes/主题0/",
        "sitemap": "/sitemap.xml",
        "sitemap_issues": "/sitemap-issues.xml",
        "sitemap_pages": "/sitemap-pages.xml",
        "sitemap_articles": "/sitemap-articles.xml",
        "sitemap_themes": "/sitemap-themes.xml",
        "robots": "/robots.txt",
    }


def count_queries(client, urls):
    counts = {}
    for name, url in urls.items():
        # Twice: the first request may also make renditions and the issue PDF.
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code in (200, 302), (url, response.status_code)
        counts[name] = len(queries)
    return counts


def test_public_views_run_a_fixed_number_of_queries_however_big_the_issue(client, no_page_cache):
    small = build_issue(datetime.date(2023, 1, 1), pages=1, articles=1, themes=1)
    small_counts = count_queries(client, urls_for(small))

    large = build_issue(datetime.date(2023, 2, 1), pages=8, articles=6, themes=4, photos=2)
    large_counts = count_queries(client, urls_for(large))

    assert large_counts == small_counts
    # The numbers themselves, so that a new query per view is noticed. What
    # several pages show alike (an issue's pages and reading order, related
    # articles, 历史上的今天, theme counts) comes from the shared data cache.
    assert small_counts == {
        "front": 2,
        "calendar": 2,
        "issue": 5,
        "page": 2,
        "issue_pdf": 2,
        "article": 3,
        "themes": 0,
        "theme": 1,
        "feed": 1,
        "theme_feed": 2,
        "sitemap": 7,
        "sitemap_issues": 2,
        "sitemap_pages": 2,
        "sitemap_articles": 2,
        "sitemap_themes": 2,
        "robots": 0,
    }


def test_without_the_shared_data_cache_the_counts_are_still_fixed(client, no_page_cache, settings):
    settings.PUBLIC_DATA_CACHE = False
    names = ("front", "page", "article", "themes", "theme")
    small = build_issue(datetime.date(2023, 1, 1), pages=1, articles=1, themes=1)
    small_counts = count_queries(client, {n: u for n, u in urls_for(small).items() if n in names})
    large = build_issue(datetime.date(2023, 2, 1), pages=8, articles=6, themes=4, photos=2)
    large_counts = count_queries(client, {n: u for n, u in urls_for(large).items() if n in names})
    assert large_counts == small_counts == {"front": 4, "page": 3, "article": 5, "themes": 1, "theme": 2}


def test_an_article_opened_from_a_search_runs_a_fixed_number_of_queries(client, no_page_cache):
    small = build_issue(datetime.date(2023, 1, 1), pages=1, articles=1, themes=1)
    article = Article.objects.filter(page__issue=small).first()
    client.get("/robots.txt")  # a fresh cache first learns when scheduled working copies come due
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/articles/{article.pk}/?q=第1版").status_code == 200

    large = build_issue(datetime.date(2023, 2, 1), pages=8, articles=6, themes=4, photos=2)
    article = Article.objects.filter(page__issue=large).order_by("id")[10]
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/articles/{article.pk}/?q=第1版").status_code == 200
    assert len(many) == len(few)


def test_staff_previews_run_a_fixed_number_of_queries_however_big_the_issue(no_page_cache):
    from django.test import Client

    from tests.people import make_staff

    client = Client()
    # An editor previews every article of the issue (a reporter only their own).
    client.force_login(make_staff("linping", "编辑"))

    def preview_counts(issue):
        urls = urls_for(issue)
        return count_queries(client, {name: urls[name] for name in ("issue", "page", "article", "issue_pdf")})

    small = preview_counts(build_issue(datetime.date(2023, 1, 1), pages=1, articles=1, themes=1, published=False))
    large = preview_counts(
        build_issue(datetime.date(2023, 2, 1), pages=8, articles=6, themes=4, photos=2, published=False)
    )
    assert large == small
