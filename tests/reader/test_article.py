"""An article as a reader sees it: text, citation, neighbours, related, search marks."""

import datetime
import re

import pytest
from django.urls import reverse

from articles.models import Article, ArticleImage
from tests.factories import make_article, make_issue, make_page, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(no_page_cache):
    issue = make_issue(datetime.date(2023, 1, 1))
    a1, a2 = make_page(issue, "A01", name="要闻", image=True), make_page(issue, "A02", name="法治")
    articles = {
        "first": make_article(a1, headline="一版头条", order=1),
        "main": make_article(
            a1,
            headline="工会法律援助进园区",
            kicker="维护职工权益",
            subtitle="全年受理案件三百余件",
            order=2,
            byline="文 市总工会主席 刘 飞",
            themes=["法律援助", "职工维权"],
            body="<p>市总工会法律援助中心走进工业园区。</p><p>职工可以就近咨询。</p>",
        ),
        "draft_between": make_article(a1, headline="草稿", order=3, published=False),
        "next_page": make_article(a2, headline="二版稿件", order=0),
    }
    older = make_page(make_issue(datetime.date(2022, 6, 1)), "A03")
    articles["related"] = make_article(older, headline="旧年法律援助稿", themes=["法律援助"])
    articles["unrelated"] = make_article(older, headline="无关稿件", themes=["技能竞赛"])
    articles["related_draft"] = make_article(older, headline="相关草稿", themes=["职工维权"], published=False)
    return articles


def get(client, article, **params):
    response = client.get(article.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def test_article_shows_kicker_headline_subtitle_byline_body_and_themes(client, issue):
    html = get(client, issue["main"])
    assert '<p class="kicker">维护职工权益</p>' in html
    assert '<h1 id="article-title">工会法律援助进园区</h1>' in html
    assert '<p class="subtitle">全年受理案件三百余件</p>' in html
    assert '<p class="byline">文 市总工会主席 刘 飞</p>' in html
    assert "<p>市总工会法律援助中心走进工业园区。</p>" in html
    assert re.search(r'rel="tag">法律援助</a>、<a [^>]+rel="tag">职工维权</a>', html)


def test_article_shows_the_citation_linking_back_to_its_page(client, issue):
    html = get(client, issue["main"])
    assert '<a href="/issues/2023-01-01/A01/">《职工天地》(2023年01月01日 第A01版)</a>' in html
    assert "刘飞. 工会法律援助进园区: 全年受理案件三百余件[N]. 职工天地, 2023-01-01(A01)." in html
    assert f'href="{reverse("search:article_ris", kwargs={"pk": issue["main"].pk})}"' in html


def test_previous_and_next_follow_reading_order_within_the_issue(client, issue):
    html = get(client, issue["main"])
    assert re.search(rf'rel="prev" class="pager-prev" href="{issue["first"].get_absolute_url()}">上一篇', html)
    assert re.search(rf'rel="next" class="pager-next" href="{issue["next_page"].get_absolute_url()}">下一篇', html)
    assert 'rel="prev"' not in get(client, issue["first"])
    assert 'rel="next"' not in get(client, issue["next_page"])


def test_related_articles_share_a_theme_and_are_public(client, issue):
    html = get(client, issue["main"])
    related = html.split('id="related-title"', 1)[1]
    assert "旧年法律援助稿" in related
    assert "无关稿件" not in related and "相关草稿" not in related and "工会法律援助进园区" not in related


def test_open_graph_and_canonical(client, issue):
    html = get(client, issue["main"])
    url = f"http://testserver{issue['main'].get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="工会法律援助进园区">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:description" content="市总工会法律援助中心走进工业园区。职工可以就近咨询。">' in html
    # No photo: the card is the page scan around the article's area, 1200 px wide.
    assert re.search(r'<meta property="og:image" content="http://testserver/media/renditions/share/pages-', html)
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<link rel="stylesheet" href="/static/reader/print.css" media="print">' in html


def test_arriving_from_a_search_marks_the_terms_in_the_body(client, issue):
    html = get(client, issue["main"], q="法律援助")
    body = html.split('class="article-body"', 1)[1].split("</div>", 1)[0]
    assert '<mark id="hit-1" tabindex="-1">法律援助</mark>' in body
    assert "返回检索结果" in html
    assert "<mark>" not in get(client, issue["main"])


def test_arriving_from_a_search_offers_the_previous_and_next_place_of_the_terms(client, issue):
    html = get(client, issue["main"], q="职工")
    body = html.split('class="article-body"', 1)[1].split("</div>", 1)[0]
    assert body.count("<mark") == 1 and '<mark id="hit-1" tabindex="-1">职工</mark>' in body
    nav = html.split('<nav class="search-hits"', 1)[1].split("</nav>", 1)[0]
    assert "“职工”在本文中共 1 处" in nav
    assert '<a href="#hit-1" data-hit-step="-1">上一处</a>' in nav
    assert '<a href="#hit-1" data-hit-step="1">下一处</a>' in nav
    assert "/static/reader/hits.js" in html
    plain = get(client, issue["main"])
    assert "search-hits" not in plain and "hits.js" not in plain


def test_body_is_cleaned_again_on_the_way_out(client, issue):
    Article.objects.filter(pk=issue["main"].pk).update(body='<p onclick="x()">正文</p><script>alert(1)</script>')
    html = get(client, issue["main"])
    assert "<p>正文</p>" in html
    assert "alert(1)" not in html and "onclick" not in html


def test_photos_show_with_caption_size_and_alt(client, issue):
    from django.core.files.base import ContentFile

    photo = ArticleImage(article=issue["main"], caption="律师为职工解答", credit="张三")
    photo.image.save("p.png", ContentFile(png_bytes(320, 200)), save=False)
    photo.save()
    html = get(client, issue["main"])
    img = re.search(r'<img src="/media/renditions/photos-[^"]+-w320\.jpg" srcset="[^"]+ 320w"[^>]*>', html).group(0)
    assert 'width="320" height="200"' in img and 'alt="律师为职工解答"' in img
    assert '<source type="image/webp" srcset="/media/renditions/photos-' in html
    assert photo.image.url not in html  # the original is offered only when it is bigger than any rendition
    assert '律师为职工解答 <span class="credit">（张三 摄）</span>' in html


def test_a_photo_bigger_than_any_rendition_is_offered_for_download_only(client, issue):
    from django.core.files.base import ContentFile

    photo = ArticleImage(article=issue["main"], caption="职工书屋", order=0)
    photo.image.save("big.jpg", ContentFile(png_bytes(2400, 1600, fmt="JPEG")), save=False)
    photo.save()
    html = get(client, issue["main"])
    assert f'<a class="photo-original" href="{photo.image.url}" download>下载原图（2400×1600）</a>' in html
    assert html.count(photo.image.url) == 1  # never an <img> or srcset entry
    assert "-w1600.webp 1600w" in html and 'src="/media/renditions/' in html


def test_a_credit_entered_as_printed_is_not_given_a_second_摄(client, issue):
    from django.core.files.base import ContentFile

    photo = ArticleImage(article=issue["main"], caption="技能比武现场", credit="本报记者 孙 磊 摄")
    photo.image.save("p.png", ContentFile(png_bytes(320, 200)), save=False)
    photo.save()
    html = get(client, issue["main"])
    assert '<span class="credit">（本报记者 孙 磊 摄）</span>' in html


def test_an_unknown_article_is_a_chinese_404(client, db):
    response = client.get("/articles/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_meta_description_and_og_tags_show_the_text_as_written(client, no_page_cache):
    article = make_article(headline="R&D <b>研发</b>", body="<p>R&amp;D &lt;b&gt;</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    # Escaped once for the attribute, so a share preview shows R&D <b>.
    assert '<meta name="description" content="R&amp;D &lt;b&gt;">' in html
    assert '<meta property="og:description" content="R&amp;D &lt;b&gt;">' in html
    assert '<meta property="og:title" content="R&amp;D &lt;b&gt;研发&lt;/b&gt;">' in html
    assert "&amp;amp;" not in html and "&amp;lt;" not in html
