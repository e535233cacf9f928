"""The article admin stays fast on a large archive without changing what editors see."""

import datetime

import pytest
from django.db import connection

from articles.admin import articles as article_admin
from articles.models import Article
from tests.factories import make_article, make_issue, make_page
from unionpaper.adminkit import scale as admin_scale

pytestmark = pytest.mark.django_db


def test_date_hierarchy_offers_the_issue_years_and_drills_down(admin_client):
    make_article(make_page(make_issue(datetime.date(2022, 3, 6)), "A01"), headline="二二年稿件")
    make_article(make_page(make_issue(datetime.date(2023, 1, 1)), "A01"), headline="二三年稿件")
    html = admin_client.get("/admin/articles/article/").content.decode()
    assert "?page__issue__date__year=2022" in html and "?page__issue__date__year=2023" in html
    year = admin_client.get("/admin/articles/article/?page__issue__date__year=2023").content.decode()
    assert "二三年稿件" in year and "二二年稿件" not in year
    assert "page__issue__date__month=1" in year and "2023年1月" in year
    month = admin_client.get(
        "/admin/articles/article/?page__issue__date__year=2023&page__issue__date__month=1"
    ).content.decode()
    assert "page__issue__date__day=1" in month


def test_unfiltered_count_of_a_large_table_is_estimated_and_filtered_counts_are_exact(monkeypatch):
    for n in range(3):
        make_article(headline=f"稿件{n}", page=make_page(make_issue(datetime.date(2024, 1, 1 + n)), "A01"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # Two more rows the statistics have not seen yet: an estimate still says 3.
    for n in range(3, 5):
        make_article(headline=f"稿件{n}", page=make_page(make_issue(datetime.date(2024, 1, 1 + n)), "A01"))
    monkeypatch.setattr(admin_scale, "EXACT_COUNT_UP_TO", 0)
    unfiltered = admin_scale.EstimatedCountPaginator(Article.objects.order_by("id"), 100)
    filtered = admin_scale.EstimatedCountPaginator(Article.objects.filter(headline="稿件1").order_by("id"), 100)
    if connection.vendor == "postgresql":
        assert unfiltered.count == 3  # PostgreSQL's estimate, no COUNT(*)
    else:
        assert unfiltered.count == 5  # SQLite has no cheap estimate: always exact
    assert filtered.count == 1


def test_page_autocomplete_does_not_count_articles(admin_client):
    from django.test.utils import CaptureQueriesContext

    make_article(make_page(make_issue(datetime.date(2024, 5, 1)), "A01"))
    url = "/admin/autocomplete/?app_label=articles&model_name=article&field_name=page&term=A01"
    with CaptureQueriesContext(connection) as ctx:
        response = admin_client.get(url)
    assert response.status_code == 200 and response.json()["results"]
    assert not any("articles_article" in q["sql"] and "COUNT(" in q["sql"] for q in ctx.captured_queries)


def test_admin_search_finds_words_in_drafts_bodies_and_spaced_names(admin_client):
    page = make_page(make_issue(datetime.date(2024, 5, 1), published=False), "A01")
    make_article(page, headline="草稿一", body="<p>园区里的法律援助站每周二开放。</p>", published=False)
    make_article(page, headline="署名稿", byline="本报记者 孟 凡")
    make_article(page, headline="无关稿件", body="<p>职工书屋。</p>")
    body = admin_client.get("/admin/articles/article/", {"q": "援助站"}).content.decode()
    assert "草稿一" in body and "无关稿件" not in body
    names = admin_client.get("/admin/articles/article/", {"q": "孟 凡"}).content.decode()
    assert "署名稿" in names and "草稿一" not in names


def test_admin_search_says_when_it_lists_only_the_newest_matches(admin_client, monkeypatch):
    monkeypatch.setattr(article_admin, "ADMIN_SEARCH_LIMIT", 2)
    page = make_page(make_issue(datetime.date(2024, 5, 1)), "A01")
    for n in range(3):
        make_article(page, headline=f"援助稿{n}")
    response = admin_client.get("/admin/articles/article/", {"q": "援助"})
    assert "只列出最新的 2 篇" in response.content.decode()
