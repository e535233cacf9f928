"""Error pages speak Chinese."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_404_page_is_chinese_and_offers_ways_on(client):
    response = client.get("/没有这个地址/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html and "页面不存在" in html
    assert 'href="/issues/"' in html and 'action="/search/"' in html


def test_500_page_is_chinese_and_needs_nothing_from_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html and "服务器出错了" in html
