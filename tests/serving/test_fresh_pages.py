"""For each kind of change, the pages that show it are fresh and a page that does not show it stays cached.

The paper: 2024年05月01日 with pages A01 (第一篇 with a theme, 第二篇) and A02
(第三篇), and 2024年04月30日 with page B01 (前一天). Each test reads the
pages once so that they are cached, makes one change as an editor would,
and reads them again.
"""

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleImage, Theme
from tests.admin_forms import article_data
from tests.factories import make_article, make_issue, make_page, png_bytes, rect_area
from tests.people import client_for
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2024, 5, 1, 4, 0, tzinfo=datetime.UTC)


@pytest.fixture
def paper():
    may = make_issue(datetime.date(2024, 5, 1))
    a01, a02 = make_page(may, "A01", name="要闻"), make_page(may, "A02", name="工会动态")
    april = make_issue(datetime.date(2024, 4, 30))
    b01 = make_page(april, "B01", name="法治")
    return {
        "may": may,
        "april": april,
        "a01": a01,
        "a02": a02,
        "b01": b01,
        "first": make_article(a01, headline="第一篇", order=0, themes=["法律援助"]),
        "second": make_article(a01, headline="第二篇", order=1),
        "third": make_article(a02, headline="第三篇"),
        "old": make_article(b01, headline="前一天", themes=["技能竞赛"]),
    }


def url(obj):
    return obj.get_absolute_url()


class Reader:
    """Reads pages as an anonymous reader and says how each was served."""

    def __init__(self, client):
        self.client = client

    def read(self, *paths):
        for path in paths:
            response = self.client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            assert self.client.get(path)["X-Page-Cache"] == "hit", path

    def served(self, path):
        response = self.client.get(path)
        return response.get("X-Page-Cache"), response.status_code, response.content.decode()

    def fresh(self, path, *shown):
        how, status, text = self.served(path)
        assert (how, status) == ("miss", 200), f"{path} was served from the cache"
        for words in shown:
            assert words in text, (path, words)

    def cached(self, path):
        how, status, _ = self.served(path)
        assert (how, status) == ("hit", 200), f"{path} was rendered again"


@pytest.fixture
def reader(client):
    return Reader(client)


def test_editing_an_article_refreshes_the_pages_that_show_it(paper, reader):
    first, second = paper["first"], paper["second"]
    reader.read(url(first), url(paper["a01"]), url(second), "/themes/法律援助/", url(paper["a02"]), url(paper["b01"]))
    first.headline = "改过的第一篇"
    first.save()
    reader.fresh(url(first), "改过的第一篇")
    reader.fresh(url(paper["a01"]), "改过的第一篇")
    reader.fresh(url(second), "改过的第一篇")  # 上一篇
    reader.fresh("/themes/法律援助/", "改过的第一篇")
    reader.cached(url(paper["a02"]))
    reader.cached(url(paper["b01"]))


def test_correcting_a_body_refreshes_the_article_and_the_feed_and_leaves_the_lists_of_its_headline_cached(
    paper, reader
):
    first = paper["first"]
    feed = reverse("articles:feed_latest")
    # Its page, the article before it (下一篇), the issue's contents, its theme, the front page.
    lists = (url(paper["a01"]), url(paper["second"]), url(paper["may"]), "/themes/法律援助/", "/")
    reader.read(url(first), feed, *lists, url(paper["b01"]))
    first.body = "<p>更正后的正文。</p>"
    first.save()
    reader.fresh(url(first), "更正后的正文")
    reader.fresh(feed, "更正后的正文")  # each item carries a summary of its body
    for path in lists:
        reader.cached(path)
    reader.cached(url(paper["b01"]))


def test_a_body_correction_published_from_a_working_copy_refreshes_only_the_pages_of_its_text(
    paper, reader, editor, chief
):
    first = paper["first"]
    photo = ArticleImage(article=first, caption="车间一角")
    photo.image.save("photo.png", ContentFile(png_bytes(40, 30)), save=False)
    photo.save()
    reader.read(url(first), url(paper["a01"]), url(paper["second"]), "/themes/法律援助/", url(paper["b01"]))
    live = Article.objects.get(pk=first.pk)
    data = article_data(page=live.page, article=live, body="<p>总编发布的更正。</p>")
    data.update(
        {
            "images-TOTAL_FORMS": "1",
            "images-INITIAL_FORMS": "1",
            "images-0-id": str(photo.pk),
            "images-0-article": str(first.pk),
            "images-0-caption": "车间一角",
            "images-0-credit": "",
            "images-0-order": "0",
            "images-0-version": str(ArticleImage.objects.get(pk=photo.pk).version),
        }
    )
    saved = client_for(editor).post(reverse("admin:articles_article_change", args=[first.pk]), data)
    assert saved.status_code == 302
    reader.cached(url(first))  # waiting for the 总编
    published = client_for(chief).post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_changes", "confirm": "yes", "publish_at": "", "_selected_action": [first.pk]},
        follow=True,
    )
    assert "的修改已发布" in published.content.decode()
    reader.fresh(url(first), "总编发布的更正", "车间一角")
    # Its photo and its theme were written again as they were: nothing that lists it is rendered again.
    reader.cached(url(paper["a01"]))
    reader.cached(url(paper["second"]))
    reader.cached("/themes/法律援助/")
    reader.cached(url(paper["b01"]))


def test_moving_a_hot_area_refreshes_the_page_that_draws_it_and_not_the_next_page(paper, reader):
    scanned = make_page(paper["may"], "A03", name="专版", image=True)
    article = make_article(scanned, headline="画了热区的稿件", hot_areas=rect_area(10, 10, 40, 20))
    reader.read(url(scanned), url(paper["a02"]), url(paper["b01"]))
    article.hot_areas = rect_area(12.5, 25, 37.5, 12.5)
    article.save()
    reader.fresh(url(scanned), 'x="12.5"')
    reader.cached(url(paper["a02"]))
    reader.cached(url(paper["b01"]))


def test_rebuilding_the_search_index_refreshes_search_pages_and_nothing_else(paper, reader):
    search = "/search/?q=第一篇"
    reader.read(search, url(paper["first"]), url(paper["a01"]))
    call_command("rebuild_search_index", verbosity=0)
    reader.fresh(search, "第一篇")
    reader.cached(url(paper["first"]))
    reader.cached(url(paper["a01"]))


def test_a_new_photo_refreshes_its_article_only(paper, reader):
    first = paper["first"]
    reader.read(url(first), url(paper["a01"]))
    photo = ArticleImage(article=first, caption="车间一角")
    photo.image.save("photo.png", ContentFile(png_bytes(40, 30)), save=False)
    photo.save()
    reader.fresh(url(first), "车间一角")
    reader.cached(url(paper["a01"]))


def test_renaming_a_page_refreshes_its_issue_pages_and_articles_not_another_issue(paper, reader):
    reader.read(url(paper["a01"]), url(paper["a02"]), url(paper["third"]), url(paper["b01"]), url(paper["old"]))
    page = paper["a02"]
    page.name = "职工生活"
    page.save()
    reader.fresh(url(paper["a02"]), "职工生活")
    reader.fresh(url(paper["a01"]), "职工生活")  # the strip of pages
    reader.fresh(url(paper["third"]), "职工生活")
    reader.cached(url(paper["b01"]))
    reader.cached(url(paper["old"]))


def test_editing_an_issue_refreshes_its_own_pages_only(paper, reader):
    reader.read(url(paper["a01"]), url(paper["first"]), url(paper["b01"]), url(paper["old"]))
    issue = paper["may"]
    issue.number = 99
    issue.save()
    reader.fresh(url(paper["a01"]), "第99期")
    reader.fresh(url(paper["first"]), "第99期")
    reader.cached(url(paper["b01"]))
    reader.cached(url(paper["old"]))


def test_renaming_a_theme_refreshes_the_pages_that_name_it(paper, reader):
    reader.read(url(paper["first"]), "/themes/", url(paper["a01"]), url(paper["old"]))
    theme = Theme.objects.get(name="法律援助")
    theme.name = "法律服务"
    theme.save()
    reader.fresh(url(paper["first"]), "法律服务")
    reader.fresh("/themes/", "法律服务")
    reader.cached(url(paper["a01"]))
    reader.cached(url(paper["old"]))


def test_publishing_an_article_adds_it_to_its_page_and_leaves_the_other_pages_cached(paper, reader):
    draft = make_article(paper["a02"], headline="新发的稿件", published=False)
    reader.read(url(paper["a02"]), url(paper["may"]), url(paper["a01"]), url(paper["b01"]))
    draft.status = Status.PUBLISHED
    draft.save()
    reader.fresh(url(paper["a02"]), "新发的稿件")
    reader.fresh(url(paper["may"]), "新发的稿件")  # the issue's contents
    reader.cached(url(paper["a01"]))
    reader.cached(url(paper["b01"]))


def test_unpublishing_an_article_takes_it_off_the_pages_that_listed_it(paper, reader):
    first = paper["first"]
    reader.read(url(first), url(paper["a01"]), url(paper["a02"]), url(paper["b01"]))
    first.status = Status.DRAFT
    first.save()
    assert reader.served(url(first))[1] == 404
    how, _, text = reader.served(url(paper["a01"]))
    assert how == "miss" and "第一篇" not in text
    reader.cached(url(paper["a02"]))
    reader.cached(url(paper["b01"]))


def test_a_scheduled_article_appears_when_its_time_passes_and_only_its_pages_are_rendered_again(reader):
    with time_machine.travel(NOON, tick=False):
        issue = make_issue(datetime.date(2024, 5, 1))
        a01, a02 = make_page(issue, "A01"), make_page(issue, "A02")
        make_article(a01, headline="早已发布的稿件")
        make_article(a02, headline="定时稿件", publish_at=timezone.now() + datetime.timedelta(hours=1))
        back = make_page(make_issue(datetime.date(2024, 4, 30)), "B01")
        reader.read(url(a02), url(a01), url(back))
        how, _, text = reader.served(url(a02))
        assert how == "hit" and "定时稿件" not in text
    with time_machine.travel(NOON + datetime.timedelta(hours=1, seconds=1), tick=False):
        reader.fresh(url(a02), "定时稿件")
        reader.cached(url(a01))
        reader.cached(url(back))


def test_reordering_articles_refreshes_their_page_and_their_neighbours(paper, reader):
    first, second = paper["first"], paper["second"]
    reader.read(url(paper["a01"]), url(first), url(paper["a02"]), url(paper["b01"]))
    second.order = 0
    second.save()
    first.order = 1
    first.save()
    _, _, text = reader.served(url(paper["a01"]))
    assert text.index("第二篇") < text.index("第一篇")
    reader.fresh(url(first), "第二篇")  # now its 上一篇
    reader.cached(url(paper["a02"]))
    reader.cached(url(paper["b01"]))


def test_moving_an_article_to_another_page_refreshes_both_pages(paper, reader):
    first = paper["first"]
    reader.read(url(paper["a01"]), url(paper["a02"]), url(first), url(paper["b01"]))
    first.page = paper["a02"]
    first.save()
    how, _, text = reader.served(url(paper["a01"]))
    assert how == "miss" and "第一篇" not in text
    reader.fresh(url(paper["a02"]), "第一篇")
    reader.fresh(url(first), "第A02版")
    reader.cached(url(paper["b01"]))


def test_publishing_a_new_issue_refreshes_the_front_page_and_leaves_back_issues_cached(paper, reader):
    reader.read("/", url(paper["a01"]), url(paper["b01"]), url(paper["old"]))
    may2 = make_issue(datetime.date(2024, 5, 2))
    make_article(make_page(may2, "A01", name="今日要闻"), headline="新一期头条")
    reader.fresh("/", "新一期头条")
    reader.cached(url(paper["b01"]))
    reader.cached(url(paper["old"]))
