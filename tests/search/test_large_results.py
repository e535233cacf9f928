"""Past the exact-count limit, results read year by year are the same results."""

import datetime

import pytest
from django.db import connection

from articles.search import results
from articles.search.backends import postgres, sqlite
from tests.factories import make_article, make_issue, make_page


@pytest.fixture
def spread(db):
    """Twelve matching articles over four years, two not matching the phrase."""
    made = []
    for year in (2019, 2020, 2021, 2022):
        page = make_page(make_issue(datetime.date(year, 3, 1)))
        for k in range(3):
            body = "<p>困难职工帮扶中心</p>" if (year, k) != (2020, 1) else "<p>困难职工，帮扶中心</p>"
            made.append(make_article(page, headline=f"{year}-{k}", order=k, body=body))
    return made


def pages(q, sort, per_page=5, **params):
    out, page = [], 1
    while True:
        search = results.run({"q": q, "sort": sort, "page": str(page), **params}, per_page=per_page)
        assert not search.errors
        out += [h.article.headline for h in search.hits]
        if page >= search.pages:
            return out, search
        page += 1


@pytest.mark.parametrize("limits", [(2, 400), (2000, 2)], ids=["year-walk", "unverified"])
@pytest.mark.parametrize("sort", ["newest", "oldest", "relevance"])
@pytest.mark.parametrize("q", ["帮扶", "职工帮扶", "帮扶 -中心", "职工 帮扶"])
def test_bounded_path_returns_the_exact_path_results(spread, monkeypatch, sort, q, limits):
    exact, exact_search = pages(q, sort)
    monkeypatch.setattr(postgres, "EXACT_LIMIT", limits[0])
    monkeypatch.setattr(postgres, "VERIFY_LIMIT", limits[1])
    for backend in (postgres, sqlite):
        monkeypatch.setattr(backend, "RANK_WINDOW", 3)
    bounded, bounded_search = pages(q, sort)
    if sort == "relevance":
        # Ranking is bounded to the newest window; the set is the same.
        assert sorted(bounded) == sorted(exact)
    else:
        assert bounded == exact
    if exact_search.matches.total > 2 and bounded_search.matches.approximate:
        assert bounded_search.matches.total > 2


def test_bounded_path_respects_filters(spread, monkeypatch):
    monkeypatch.setattr(postgres, "EXACT_LIMIT", 2)
    found, _ = pages("帮扶", "newest", start="2020-01-01", end="2021-12-31")
    assert found == ["2021-0", "2021-1", "2021-2", "2020-0", "2020-1", "2020-2"]
    found, _ = pages("职工帮扶", "oldest", start="2020-01-01", end="2021-12-31")
    assert found == ["2020-0", "2020-2", "2021-0", "2021-1", "2021-2"]


def test_large_counts_are_estimates_only_where_the_engine_bounds_them(spread, monkeypatch, client):
    monkeypatch.setattr(postgres, "EXACT_LIMIT", 2)
    search = results.run({"q": "帮扶"}, per_page=2)
    if connection.vendor == "sqlite":
        # FTS5 counts every match exactly at SQLite's scale.
        assert not search.matches.approximate and search.matches.total == 12 and search.pages == 6
        return
    assert search.matches.approximate and search.matches.has_more
    assert search.matches.total > 2 and search.pages >= 2
    assert search.matches.facets_approximate
    assert search.matches.years and all(n > 0 for _, n in search.matches.years)
    # Reading to the end makes the count exact again.
    last = results.run({"q": "帮扶"}, per_page=20)
    assert not last.matches.approximate and last.matches.total == 12
    html = client.get("/search/", {"q": "帮扶"}).content.decode()
    assert "年份（约数）" in html


def test_an_issue_moved_to_another_year_is_found_in_its_new_year(spread, monkeypatch):
    # Past the exact limit PostgreSQL reads a year at a time by a tag in the vector.
    issue = spread[0].page.issue  # the 2019 issue
    issue.date = datetime.date(2024, 3, 1)
    issue.save()
    monkeypatch.setattr(postgres, "EXACT_LIMIT", 2)
    found, _ = pages("帮扶", "newest")
    assert found == [f"{year}-{k}" for year in (2019, 2022, 2021, 2020) for k in range(3)]
    found, _ = pages("帮扶", "newest", start="2024-01-01")
    assert found == ["2019-0", "2019-1", "2019-2"]
