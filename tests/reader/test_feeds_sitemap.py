"""Feeds, the sitemap and robots.txt: valid XML listing the right entries."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from tests.factories import make_article, make_issue, make_page

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def articles(no_page_cache):
    older = make_page(make_issue(datetime.date(2023, 1, 1)), "A01")
    newer = make_page(make_issue(datetime.date(2023, 1, 8)), "A02", name="法治")
    return [
        make_article(older, headline="旧稿件", themes=["法律援助"], byline="本报记者 王晓明"),
        make_article(newer, headline="新稿件", themes=["法律援助", "技能竞赛"], body="<p>新稿件的正文。</p>"),
        make_article(newer, headline="竞赛稿件", themes=["技能竞赛"], order=2),
    ]


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return channel, channel.findall("item")


def test_latest_feed_is_rss_with_every_public_article_newest_issue_first(client, articles):
    channel, items = rss_items(client, "/feeds/latest/")
    assert channel.findtext("title") == "《职工天地》最新文章"
    assert channel.findtext("language") == "zh-cn"
    assert [i.findtext("title") for i in items] == ["新稿件", "竞赛稿件", "旧稿件"]
    first = items[0]
    assert first.findtext("link") == f"http://testserver{articles[1].get_absolute_url()}"
    assert first.findtext("description") == "新稿件的正文。"
    assert first.findtext("pubDate")
    assert "第A02版 法治" in [c.text for c in first.findall("category")]


def test_theme_feed_lists_only_that_themes_articles(client, articles):
    channel, items = rss_items(client, "/feeds/themes/技能竞赛/")
    assert channel.findtext("title") == "《职工天地》主题：技能竞赛"
    assert channel.findtext("link") == "http://testserver/themes/%E6%8A%80%E8%83%BD%E7%AB%9E%E8%B5%9B/"
    assert sorted(i.findtext("title") for i in items) == ["新稿件", "竞赛稿件"]


def test_feed_of_an_unknown_theme_is_404(client, articles):
    assert client.get("/feeds/themes/没有这个主题/").status_code == 404


def locs(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return [el.text for el in ET.fromstring(response.content).iter(f"{SM}loc")]


def test_sitemap_index_points_at_every_section_and_each_is_valid(client, articles):
    sections = locs(client, "/sitemap.xml")
    assert sorted(sections) == sorted(
        f"http://testserver/sitemap-{name}.xml" for name in ("sections", "issues", "pages", "articles", "themes")
    )
    everything = [loc for section in sections for loc in locs(client, section.replace("http://testserver", ""))]
    assert "http://testserver/issues/2023-01-01/" in everything
    assert "http://testserver/issues/2023-01-08/A02/" in everything
    for article in articles:
        assert f"http://testserver{article.get_absolute_url()}" in everything
    assert "http://testserver/themes/%E6%B3%95%E5%BE%8B%E6%8F%B4%E5%8A%A9/" in everything
    assert {"http://testserver/", "http://testserver/issues/", "http://testserver/themes/"} <= set(everything)
    assert len(everything) == len(set(everything))


def test_sitemap_entries_carry_their_last_change(client, articles):
    root = ET.fromstring(client.get("/sitemap-articles.xml").content)
    assert all(url.findtext(f"{SM}lastmod") for url in root.iter(f"{SM}url"))


def test_robots_txt_allows_reading_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_favicon_ico_leads_to_the_papers_icon(client, db):
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == static("reader/favicon.svg")
    assert finders.find("reader/favicon.svg")
