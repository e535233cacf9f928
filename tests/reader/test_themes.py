"""Theme pages: every theme with its count, one theme's articles newest first, paginated."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import make_article, make_issue, make_page

pytestmark = pytest.mark.django_db


def theme_url(name):
    return reverse("articles:theme", kwargs={"slug": name})


def test_theme_list_shows_each_theme_with_its_count_of_public_articles(client, no_page_cache):
    page = make_page(make_issue(datetime.date(2023, 1, 1)), "A01")
    make_article(page, headline="一", themes=["法律援助", "技能竞赛"])
    make_article(page, headline="二", themes=["法律援助"])
    make_article(page, headline="三", themes=["法律援助", "只有草稿"], published=False)
    html = client.get("/themes/").content.decode()
    assert f'href="{theme_url("法律援助")}">法律援助</a> <span class="count">2 篇' in html
    assert f'href="{theme_url("技能竞赛")}">技能竞赛</a> <span class="count">1 篇' in html
    assert "只有草稿" not in html


def test_a_theme_lists_its_articles_newest_first_twenty_a_page(client, no_page_cache):
    for day in range(1, 26):
        page = make_page(make_issue(datetime.date(2023, 1, day)), "A01")
        make_article(page, headline=f"一月{day}日的稿件", themes=["法律援助"])
    first = client.get("/themes/法律援助/")
    assert first.status_code == 200
    html = first.content.decode()
    headlines = re.findall(r">(一月\d+日的稿件)</a>", html)
    assert headlines == [f"一月{d}日的稿件" for d in range(25, 5, -1)]
    assert "共 25 篇" in html and 'href="?page=2"' in html
    second = client.get("/themes/法律援助/?page=2").content.decode()
    assert re.findall(r">(一月\d+日的稿件)</a>", second) == [f"一月{d}日的稿件" for d in range(5, 0, -1)]


def test_a_theme_page_links_its_feed(client, no_page_cache):
    make_article(themes=["法律援助"])
    assert (
        'href="/feeds/themes/%E6%B3%95%E5%BE%8B%E6%8F%B4%E5%8A%A9/"' in client.get("/themes/法律援助/").content.decode()
    )


def test_an_unknown_theme_is_a_chinese_404(client, db):
    response = client.get("/themes/没有这个主题/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
