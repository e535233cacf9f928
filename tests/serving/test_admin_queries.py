"""The admin's lists cost the same number of queries however many rows they show."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_article, make_issue, make_page

pytestmark = pytest.mark.django_db


def build(n_issues, pages_per_issue, articles_per_page, start=datetime.date(2020, 1, 1)):
    for i in range(n_issues):
        issue = make_issue(start + datetime.timedelta(days=7 * i))
        for p in range(1, pages_per_issue + 1):
            page = make_page(issue, f"A{p:02d}")
            for a in range(articles_per_page):
                make_article(
                    page, headline=f"稿件{i}-{p}-{a}", byline="本报记者 韩 雪", themes=["法律援助", "技能竞赛"][a % 2 :]
                )


def count_queries(client, url):
    client.get(url)  # warm per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/",
        "/admin/articles/article/?status__exact=published",
        "/admin/articles/article/?theme=法律援助",
        "/admin/articles/article/?q=韩雪",
        "/admin/issues/issue/",
        "/admin/issues/page/",
        "/admin/articles/theme/",
    ],
)
def test_changelist_queries_do_not_grow_with_rows(admin_client, url):
    build(1, 1, 2)
    small = count_queries(admin_client, url)
    build(4, 3, 4, start=datetime.date(2021, 1, 1))
    large = count_queries(admin_client, url)
    assert large == small, f"{url}: {small} queries with few rows, {large} with many"


def test_issue_form_with_many_pages_costs_a_fixed_number_of_queries(admin_client):
    issue = make_issue(datetime.date(2024, 5, 1))
    make_page(issue, "A01")
    small = count_queries(admin_client, f"/admin/issues/issue/{issue.pk}/change/")
    for p in range(2, 12):
        make_page(issue, f"A{p:02d}")
    large = count_queries(admin_client, f"/admin/issues/issue/{issue.pk}/change/")
    assert large == small


def test_page_form_with_many_articles_costs_a_fixed_number_of_queries(admin_client):
    page = make_page(make_issue(datetime.date(2024, 5, 1)), "A01")
    make_article(page)
    small = count_queries(admin_client, f"/admin/issues/page/{page.pk}/change/")
    for n in range(10):
        make_article(page, headline=f"稿件{n}")
    large = count_queries(admin_client, f"/admin/issues/page/{page.pk}/change/")
    assert large == small
