"""A bad Host, a refused permission, a CSRF failure: the project's own pages, in Chinese, leaking nothing."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.factories import make_article, make_issue, make_page
from tests.people import PASSWORD, client_for, make_staff

pytestmark = pytest.mark.django_db

LEAKS = ("DisallowedHost", "ALLOWED_HOSTS", "evil.example", "CSRF", "Referer", "Traceback", "Forbidden")


def assert_ours(response, status: int, heading: str):
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html and heading in html, html[:300]
    for leak in LEAKS:
        assert leak not in html, leak


def test_a_cached_page_answers_400_to_a_host_not_allowed(settings):
    settings.PUBLIC_PAGE_CACHE = True
    page = make_page(make_issue(datetime.date(2023, 3, 1)), "A01")
    make_article(page, headline="已见报的稿件")
    url = page.get_absolute_url()
    assert Client().get(url)["X-Page-Cache"] == "miss"
    assert Client().get(url)["X-Page-Cache"] == "hit"
    response = Client().get(url, HTTP_HOST="evil.example")
    assert "X-Page-Cache" not in response
    assert_ours(response, 400, "请求无法处理")
    assert Client().get("/no-such-page/", HTTP_HOST="evil.example").status_code == 400


def test_a_csrf_failure_gets_the_projects_page():
    User.objects.create_user("zhang", password=PASSWORD, is_staff=True)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "zhang", "password": PASSWORD})
    assert_ours(response, 403, "表单已失效")


def test_a_refused_permission_gets_the_projects_page():
    reporter = make_staff("wangxm", "记者")
    assert_ours(client_for(reporter).get("/admin/auth/user/"), 403, "没有访问权限")


def test_the_404_page_is_ours():
    response = Client().get("/issues/1999-01-01/A01/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_after_login_a_refused_next_goes_to_the_newsroom(next_url):
    User.objects.create_user("zhang", password=PASSWORD, is_staff=True)
    response = Client().post(
        "/admin/login/", {"username": "zhang", "password": PASSWORD, "next": next_url}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_a_safe_next_is_followed():
    User.objects.create_user("zhang", password=PASSWORD, is_staff=True)
    response = Client().post("/admin/login/", {"username": "zhang", "password": PASSWORD, "next": "/admin/articles/"})
    assert response["Location"] == "/admin/articles/"
