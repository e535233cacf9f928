"""A shared link shows a proper card, search engines read the article's facts, and every address agrees."""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from articles.models import ArticleImage
from tests.factories import make_article, make_issue, make_page, png_bytes, rect_area

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """The meta tags (property or name -> content, as a browser reads them), canonical link and JSON-LD."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.canonical, self.jsonld, self._in_ld = {}, None, [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.setdefault(attrs.get("property") or attrs.get("name"), attrs.get("content"))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True

    def handle_endtag(self, tag):
        self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.jsonld.append(json.loads(data))

    def of_type(self, kind):
        return next(item for item in self.jsonld if item["@type"] == kind)


HEADLINE = "“劳模”工作室&职工<创新>成果展"


@pytest.fixture
def paper(no_page_cache):
    issue = make_issue(datetime.date(2023, 1, 8), number=2, serial=1252)
    page = make_page(issue, "A01", name="要闻", image=True)
    photo_page = make_page(issue, "A02", name="工会动态", image=True)
    article = make_article(
        page,
        headline=HEADLINE,
        kicker="园区职工有了新去处",
        subtitle="下班后就近咨询法律问题",
        byline="本报记者 王晓明 通讯员 李 华",
        themes=["职工服务"],
        publish_at=timezone.make_aware(datetime.datetime(2023, 1, 8, 6, 30)),
        hot_areas=rect_area(10, 20, 50, 30),
    )
    with_photo = make_article(photo_page, headline="职工书屋开进车间")
    photo = ArticleImage(article=with_photo, caption="书屋", order=0)
    photo.image.save("photo.jpg", ContentFile(png_bytes(3000, 2000, fmt="JPEG")), save=False)
    photo.save()
    return {"issue": issue, "page": page, "article": article, "with_photo": with_photo}


def head(client, url, **params) -> Head:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return Head(response.content.decode())


def stored_image(url):
    name = url.split("/media/", 1)[1]
    with default_storage.open(name) as file, Image.open(file) as img:
        return img.size


def test_an_article_carries_news_article_json_ld_with_its_print_facts(client, paper):
    article = paper["article"]
    found = head(client, article.get_absolute_url())
    news = found.of_type("NewsArticle")
    url = f"http://testserver{article.get_absolute_url()}"
    assert news["headline"] == HEADLINE
    assert news["alternativeHeadline"] == ["园区职工有了新去处", "下班后就近咨询法律问题"]
    assert news["datePublished"] == "2023-01-08T06:30:00+08:00"
    assert [a["name"] for a in news["author"]] == ["王晓明", "李华"]
    assert news["publisher"]["name"] == "职工天地"
    assert news["publisher"]["logo"]["url"] == "http://testserver/static/reader/logo.png"
    assert news["isPartOf"]["@type"] == "PublicationIssue"
    assert news["isPartOf"]["url"] == "http://testserver/issues/2023-01-08/"
    assert news["isPartOf"]["issueNumber"] == "2"
    assert (news["printPage"], news["printSection"]) == ("A01", "要闻")
    assert news["printEdition"] == "2023年01月08日（第2期，总第1252期）"
    assert news["mainEntityOfPage"] == url == found.canonical
    assert news["image"] == [found.meta["og:image"]]
    crumbs = found.of_type("BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == ["首页", "2023年01月08日（第2期，总第1252期）", "第A01版 要闻", HEADLINE]
    assert crumbs[-1]["item"] == url


def test_share_images_are_at_least_1200_px_wide(client, paper):
    with_photo = head(client, paper["with_photo"].get_absolute_url())
    assert stored_image(with_photo.meta["og:image"].split("testserver", 1)[1]) == (1200, 800)  # the whole photo
    cropped = head(client, paper["article"].get_absolute_url()).meta["og:image"]
    assert "/renditions/share/" in cropped  # the scan around the article's area
    assert stored_image(cropped.split("testserver", 1)[1])[0] == 1200
    for url in (paper["page"].get_absolute_url(), paper["issue"].get_absolute_url()):
        card = head(client, url).meta
        assert card["og:image"].startswith("http://testserver/media/renditions/share/"), url
        assert int(card["og:image:width"]) == 1200


def test_article_page_issue_and_theme_pages_have_cards(client, paper):
    for url, kind in (
        (paper["article"].get_absolute_url(), "article"),
        (paper["page"].get_absolute_url(), "website"),
        (paper["issue"].get_absolute_url(), "website"),
        ("/themes/职工服务/", "website"),
        ("/", "website"),
    ):
        meta = head(client, url).meta
        assert meta["og:type"] == kind, url
        assert meta["twitter:card"] == "summary_large_image", url
        for key in ("og:title", "og:description", "og:url", "og:image", "twitter:title", "twitter:image"):
            assert meta.get(key), (url, key)


def test_meta_text_is_shown_as_written(client, paper):
    found = head(client, paper["article"].get_absolute_url())
    assert found.meta["og:title"] == found.meta["twitter:title"] == HEADLINE
    assert found.of_type("NewsArticle")["headline"] == HEADLINE
    html = client.get(paper["article"].get_absolute_url()).content.decode()
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in ld and "&" not in ld  # nothing in the JSON can end the script or start markup


def test_published_time_has_time_and_zone(client, paper):
    meta = head(client, paper["article"].get_absolute_url()).meta
    assert meta["article:published_time"] == "2023-01-08T06:30:00+08:00"


def test_every_sitemap_address_is_its_own_canonical(client, paper):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = []
    for section in index.findall("s:sitemap/s:loc", ns):
        xml = ET.fromstring(client.get(section.text.replace("http://testserver", "")).content)
        locations += [loc.text for loc in xml.findall("s:url/s:loc", ns)]
    assert "http://testserver/" in locations
    html_locations = [loc for loc in locations if "/feeds/" not in loc]
    assert len(html_locations) >= 6
    for loc in html_locations:
        assert head(client, loc.replace("http://testserver", "")).canonical == loc


def test_search_results_are_not_indexed_but_the_paper_is(client, paper):
    assert head(client, "/search/", q="职工").meta["robots"] == "noindex, follow"
    for url in ("/", paper["page"].get_absolute_url(), paper["article"].get_absolute_url()):
        assert "robots" not in head(client, url).meta, url


@pytest.mark.parametrize("page_cache", [False, True], ids=["rendered", "from the page cache"])
def test_the_home_page_and_its_page_view_vary_alike(client, paper, settings, page_cache):
    settings.PUBLIC_PAGE_CACHE = page_cache
    for _ in range(2):  # rendered (and kept), then as kept
        assert (
            client.get("/")["Vary"] == client.get(paper["page"].get_absolute_url())["Vary"] == "Accept-Language, Cookie"
        )


def test_the_latest_feed_says_what_it_holds(client, paper):
    older = make_page(make_issue(datetime.date(2023, 1, 1)), "A01")
    make_article(older, headline="上一期稿件")
    channel = ET.fromstring(client.get("/feeds/latest/").content).find("channel")
    description = "《职工天地》数字报最近发布的30篇文章，可跨几期，最新一期在前，按版序排列。"
    assert channel.findtext("title") == "《职工天地》最新文章"  # the newest articles, not the newest issue
    assert channel.findtext("description") == description
    assert "上一期稿件" in [i.findtext("title") for i in channel.findall("item")]
