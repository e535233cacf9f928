"""Object URLs are remembered after the first reverse, but never across prefixes or URLconfs."""

import datetime

import pytest
from django.urls import set_script_prefix

from tests.factories import make_article, make_issue, make_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article(make_page(make_issue(datetime.date(2024, 5, 1)), "A03"))


def test_urls_follow_the_script_prefix_of_a_deployment_under_a_sub_path(article):
    assert article.get_absolute_url() == f"/articles/{article.pk}/"
    try:
        set_script_prefix("/paper/")
        assert article.get_absolute_url() == f"/paper/articles/{article.pk}/"
        assert article.page.get_absolute_url() == "/paper/issues/2024-05-01/A03/"
        assert article.page.issue.get_absolute_url() == "/paper/issues/2024-05-01/"
    finally:
        set_script_prefix("/")
    assert article.get_absolute_url() == f"/articles/{article.pk}/"


def test_a_new_urlconf_is_followed(article, settings):
    assert article.get_absolute_url() == f"/articles/{article.pk}/"
    settings.ROOT_URLCONF = "tests.serving.prefixed_urls"
    assert article.get_absolute_url() == f"/zh/articles/{article.pk}/"


def test_a_renamed_page_code_gets_its_own_url(article):
    page = article.page
    assert page.get_absolute_url().endswith("/A03/")
    page.code = "B01"
    assert page.get_absolute_url().endswith("/B01/")
