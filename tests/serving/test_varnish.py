"""Behind a real Varnish on loopback: pages are served from it, and a purge removes exactly the pages with its key.

Test-only pages (``varnish_urls``) name their keys by hand; the last test runs the real site.

Needs varnishd and its xkey module (``apt-get install varnish varnish-modules``);
where they are missing these tests skip, which CI counts as a failure.
"""

import datetime

import pytest
from django.utils import timezone

from tests.factories import make_article, make_issue, make_page
from tests.serving import varnish_urls
from tests.varnish import Varnish, require_varnish
from unionpaper import frontend_cache
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def varnish_server(live_server):
    """One varnishd for the module (starting one compiles the VCL, about two seconds)."""
    require_varnish()
    server = Varnish(live_server.url.removeprefix("http://"))
    yield server
    server.stop()


@pytest.fixture
def varnish(varnish_server, settings):
    settings.ROOT_URLCONF = "tests.serving.varnish_urls"
    settings.PUBLIC_PAGE_CACHE = False  # what is counted is what Varnish fetches
    settings.FRONTEND_CACHES = {
        "varnish": {"BACKEND": "unionpaper.frontend_cache.VarnishBackend", "LOCATIONS": [varnish_server.url]}
    }
    # Every test starts with nothing stored.
    frontend_cache.purge({key for keys in varnish_urls.PAGES.values() for key in keys})
    varnish_urls.renders.clear()
    return varnish_server


def warm(varnish, *names):
    for name in names:
        assert not varnish.get(f"/pages/{name}/").from_cache
        assert varnish.get(f"/pages/{name}/").from_cache


def test_a_page_is_served_from_varnish_on_the_second_request(varnish):
    first = varnish.get("/pages/a/")
    second = varnish.get("/pages/a/")
    assert first.status == second.status == 200
    assert not first.from_cache and second.from_cache
    assert "age" in second.headers
    assert second.body == first.body
    assert varnish_urls.renders["a"] == 1


def test_readers_never_see_the_keys_or_the_shared_cache_lifetime(varnish):
    for answer in (varnish.get("/pages/a/"), varnish.get("/pages/a/")):
        assert not {"surrogate-key", "xkey", "surrogate-control"} & set(answer.headers)
        assert answer["cache-control"] == "public, max-age=0, must-revalidate"


def test_purging_a_key_removes_exactly_the_pages_that_carry_it(varnish):
    warm(varnish, "a", "b", "c")
    frontend_cache.purge({"article:1"})
    assert not varnish.get("/pages/a/").from_cache
    assert varnish.get("/pages/b/").from_cache
    assert varnish.get("/pages/c/").from_cache
    assert varnish_urls.renders == {"a": 2, "b": 1, "c": 1}

    frontend_cache.purge({"page:1"})
    assert not varnish.get("/pages/a/").from_cache
    assert not varnish.get("/pages/b/").from_cache
    assert varnish.get("/pages/c/").from_cache
    assert "第2次生成的b页" in varnish.get("/pages/b/").body.decode()


def test_purging_several_keys_at_once_removes_the_pages_of_each(varnish):
    warm(varnish, "a", "b", "c")
    frontend_cache.purge({"article:2", "list:latest-issue"})
    assert varnish.get("/pages/a/").from_cache
    assert not varnish.get("/pages/b/").from_cache
    assert not varnish.get("/pages/c/").from_cache


def test_only_the_app_servers_may_purge(varnish):
    warm(varnish, "a")
    refused = varnish.request("PURGE", "/", {"xkey-purge": "article:1"}, source="127.0.0.2")
    assert refused.status == 403
    assert varnish.get("/pages/a/").from_cache
    assert varnish.request("PURGE", "/", {"xkey-purge": "article:1"}).status == 200
    assert not varnish.get("/pages/a/").from_cache


def test_editors_private_pages_and_pages_without_a_shared_lifetime_always_reach_the_app(varnish):
    for _ in range(2):
        varnish.get("/admin/")
        varnish.get("/private/")
        varnish.get("/untagged/")
    assert varnish_urls.renders["admin"] == 2
    assert varnish_urls.renders["private"] == 2
    assert varnish_urls.renders["untagged"] == 2


def test_a_signed_in_editor_is_never_served_a_shared_page_but_other_cookies_are(varnish):
    warm(varnish, "a")
    assert varnish.request("GET", "/pages/a/", {"Cookie": "_ga=GA1.2.3; theme=dark"}).from_cache
    editor = varnish.request("GET", "/pages/a/", {"Cookie": "sessionid=abc123"})
    assert not editor.from_cache
    assert varnish_urls.renders["a"] == 2


@pytest.fixture
def paper_behind_varnish(varnish_server, settings):
    """The real site behind Varnish, with a paper of two pages."""
    settings.FRONTEND_CACHES = {
        "varnish": {"BACKEND": "unionpaper.frontend_cache.VarnishBackend", "LOCATIONS": [varnish_server.url]}
    }
    issue = make_issue(datetime.date(2024, 5, 1))
    a01, a02 = make_page(issue, "A01"), make_page(issue, "A02")
    return {
        "a01": a01,
        "a02": a02,
        "first": make_article(a01, headline="第一篇"),
        "other": make_article(a02, headline="另一版的稿件"),
    }


def test_an_editors_change_purges_exactly_the_real_pages_that_show_it(varnish_server, paper_behind_varnish):
    paper = paper_behind_varnish
    pages = [paper["a01"].get_absolute_url(), paper["a02"].get_absolute_url(), paper["first"].get_absolute_url()]
    for path in pages:
        assert not varnish_server.get(path).from_cache
        assert varnish_server.get(path).from_cache
    first = paper["first"]
    first.headline = "改过的第一篇"
    first.save()  # committed at once: the purge follows
    a01, a02, article = (varnish_server.get(path) for path in pages)
    assert not a01.from_cache and "改过的第一篇" in a01.body.decode()
    assert not article.from_cache and "改过的第一篇" in article.body.decode()
    assert a02.from_cache


def test_an_article_asked_for_before_it_is_published_is_shown_as_soon_as_it_is(varnish_server, paper_behind_varnish):
    draft = make_article(paper_behind_varnish["a01"], headline="待发的稿件", published=False)
    path = draft.get_absolute_url()
    assert varnish_server.get(path).status == 404
    assert varnish_server.get(path).status == 404
    draft.status = Status.PUBLISHED
    draft.publish_at = timezone.now()
    draft.save()
    answer = varnish_server.get(path)
    assert answer.status == 200 and "待发的稿件" in answer.body.decode()


def test_a_new_issue_reaches_readers_through_varnish_from_pages_rendered_as_it_was_published(
    varnish_server, paper_behind_varnish
):
    from articles.publishing import publish_issue
    from tests.people import make_staff

    varnish_server.get("/")  # the front page as it was, kept by Varnish
    issue = make_issue(datetime.date(2024, 5, 2), published=False)
    lead = make_article(make_page(issue, "A01"), headline="新一期头条", published=False)
    publish_issue(issue=issue, user=make_staff("zhoumin", "总编"))
    for path in ("/", issue.get_absolute_url(), lead.get_absolute_url()):
        answer = varnish_server.get(path)
        assert not answer.from_cache, path  # purged, or never asked for
        assert answer["x-page-cache"] == "hit", path  # the app had it ready
        assert "新一期头条" in answer.body.decode(), path
