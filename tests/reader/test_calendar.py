"""往期回顾: a calendar of published issues by year and month."""

import datetime
import re

import pytest
import time_machine

from tests.factories import make_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def issues(no_page_cache):
    for day in (
        datetime.date(2022, 12, 30),
        datetime.date(2023, 1, 1),
        datetime.date(2023, 1, 8),
        datetime.date(2023, 3, 15),
    ):
        make_issue(day)
    make_issue(datetime.date(2023, 1, 15), published=False)


def issue_links(html):
    return re.findall(r'href="/issues/(\d{4}-\d{2}-\d{2})/"', html)


def test_calendar_opens_at_the_latest_year_with_every_issue_date_a_link(client, issues):
    html = client.get("/issues/").content.decode()
    assert "往期回顾" in html and "2023年" in html
    assert issue_links(html) == ["2023-01-01", "2023-01-08", "2023-03-15"]
    assert "2023年共 3 期" in html


def test_another_year_is_chosen_with_year(client, issues):
    html = client.get("/issues/?year=2022").content.decode()
    assert issue_links(html) == ["2022-12-30"]
    assert 'href="?year=2023"' in html and 'href="?year=2022" aria-current="page"' in html


def test_each_month_is_a_table_of_weeks_starting_monday(client, issues):
    html = client.get("/issues/?year=2023").content.decode()
    assert html.count('<table class="month') == 12
    # 2023-01-01 was a Sunday: the first week of January ends with it.
    january = html.split("<caption>1月", 1)[1].split("</table>", 1)[0]
    first_week = january.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert first_week.count("<td></td>") == 6 and first_week.rstrip().endswith(">1</a></td>")


def test_a_year_without_issues_says_so(client, issues):
    response = client.get("/issues/?year=1999")
    assert response.status_code == 200
    assert "1999年没有已出版的报纸" in response.content.decode()


@pytest.mark.parametrize("year", ["abc", "20x3", "99999"])
def test_a_bad_year_is_a_clear_error(client, issues, year):
    response = client.get(f"/issues/?year={year}")
    assert response.status_code == 400
    assert "年份" in response.content.decode()


def test_an_empty_archive_still_shows_the_current_year(client, db):
    with time_machine.travel(datetime.datetime(2024, 6, 1, 4, tzinfo=datetime.UTC), tick=False):
        html = client.get("/issues/").content.decode()
    assert "2024年没有已出版的报纸" in html
