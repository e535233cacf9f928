"""Pages stay cached until something they show changes; a change leaves every other page cached."""

import datetime
import threading

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.invalidation import keys_coming_due
from tests.factories import make_article, make_issue, make_page
from tests.serving import dependency_urls
from unionpaper import cache_keys as ck
from unionpaper import dependency_cache

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2024, 5, 1, 4, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def site(settings):
    settings.ROOT_URLCONF = "tests.serving.dependency_urls"
    settings.MIDDLEWARE = [
        "unionpaper.dependency_cache.DependencyPageCacheMiddleware" if m.endswith("PublicPageCacheMiddleware") else m
        for m in settings.MIDDLEWARE
    ]
    dependency_urls.renders.clear()
    dependency_urls.builds.clear()
    dependency_urls.slow["seconds"] = 0.0


def served(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response["X-Page-Cache"]


def test_a_page_is_served_from_the_cache_until_something_it_shows_changes(client):
    assert served(client, "/shows/a/") == "miss"
    assert served(client, "/shows/a/") == "hit"
    ck.changed({"article:1"})
    assert served(client, "/shows/a/") == "miss"
    assert dependency_urls.renders["a"] == 2


def test_a_change_leaves_cached_every_page_that_does_not_show_it(client):
    for name in "abc":
        served(client, f"/shows/{name}/")
    ck.changed({"page:1"})
    assert [served(client, f"/shows/{name}/") for name in "abc"] == ["miss", "miss", "hit"]


def test_a_page_that_declares_nothing_is_never_kept(client):
    for _ in range(2):
        response = client.get("/nothing/")
        assert response.status_code == 200 and not response.has_header("X-Page-Cache")
    assert dependency_urls.renders["nothing"] == 2


def test_a_page_using_shared_data_from_the_cache_still_depends_on_what_that_data_shows(client):
    served(client, "/newest/home/")
    served(client, "/newest/theme/")  # finds the shared list already made
    assert dependency_urls.builds["newest"] == 1
    ck.changed({ck.FEEDS})
    assert served(client, "/newest/theme/") == "miss"
    assert served(client, "/newest/home/") == "miss"
    assert dependency_urls.builds["newest"] == 2


def test_concurrent_misses_of_one_page_render_it_once(client):
    dependency_urls.slow["seconds"] = 0.3
    answers = []
    start = threading.Barrier(8)

    def reader():
        start.wait()
        answers.append(Client().get("/shows/a/"))

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert dependency_urls.renders["a"] == 1
    assert {a.content for a in answers} == {answers[0].content}
    assert sorted(a["X-Page-Cache"] for a in answers) == ["hit"] * 7 + ["miss"]


def test_concurrent_misses_of_pages_showing_the_same_shared_data_build_it_once(client):
    dependency_urls.slow["seconds"] = 0.3
    start = threading.Barrier(8)
    answers = {}

    def reader(n):
        start.wait()
        answers[n] = Client().get(f"/newest/page{n}/")

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert dependency_urls.builds["newest"] == 1
    assert all("最新一篇" in a.content.decode() for a in answers.values())
    # Each page still depends on what the shared data shows.
    ck.changed({ck.FEEDS})
    dependency_urls.slow["seconds"] = 0.0
    assert [served(client, f"/newest/page{n}/") for n in range(8)] == ["miss"] * 8


def test_revalidation_gets_304_until_what_the_page_shows_changes(client):
    first = client.get("/shows/a/")
    again = client.get("/shows/a/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    ck.changed({"article:1"})
    changed = client.get("/shows/a/", headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200


def test_a_scheduled_publication_refreshes_the_pages_it_joins_when_its_time_comes(client, monkeypatch):
    monkeypatch.setattr(dependency_cache, "_coming_due", [keys_coming_due])
    with time_machine.travel(NOON, tick=False):
        page = make_page(make_issue(datetime.date(2024, 5, 1)), "A01")
        make_article(page, headline="定时稿件", publish_at=timezone.now() + datetime.timedelta(hours=1))
        other = make_page(make_issue(datetime.date(2024, 4, 30)), "A01")
        monkeypatch.setitem(dependency_urls.SHOWS, "p", (ck.page_list(page.pk),))
        monkeypatch.setitem(dependency_urls.SHOWS, "o", (ck.page_list(other.pk),))
        served(client, "/shows/p/")
        served(client, "/shows/o/")
        assert served(client, "/shows/p/") == "hit"
    with time_machine.travel(NOON + datetime.timedelta(hours=1, seconds=1), tick=False):
        assert served(client, "/shows/p/") == "miss"
        assert served(client, "/shows/o/") == "hit"
        assert served(client, "/shows/p/") == "hit"


def test_the_shared_http_cache_keeps_a_page_no_longer_than_the_next_scheduled_publication(client, settings):
    settings.FRONTEND_CACHES = {
        "fastly": {"BACKEND": "unionpaper.frontend_cache.FastlyBackend", "SERVICE_ID": "s", "API_TOKEN": "t"}
    }
    with time_machine.travel(NOON, tick=False):
        make_article(publish_at=timezone.now() + datetime.timedelta(minutes=10))
        first = client.get("/shows/a/")
        again = client.get("/shows/a/")
    for response in (first, again):
        assert response["Surrogate-Control"] == "max-age=600"
        assert response["Surrogate-Key"] == "article:1 page:1 site"


def test_a_page_true_until_a_time_is_kept_by_the_shared_http_cache_no_longer(client, settings):
    settings.FRONTEND_CACHES = {
        "fastly": {"BACKEND": "unionpaper.frontend_cache.FastlyBackend", "SERVICE_ID": "s", "API_TOKEN": "t"}
    }
    response = client.get("/until/")
    assert 3590 <= int(response["Surrogate-Control"].removeprefix("max-age=")) <= 3600


def test_a_page_showing_part_of_shared_data_depends_only_on_that_part(client):
    served(client, "/part/article:1/")
    served(client, "/part/article:3/")
    ck.changed({"article:1"})
    assert served(client, "/part/article:3/") == "hit"
    assert served(client, "/part/article:1/") == "miss"
    assert dependency_urls.builds["headlines"] == 2  # made again for the page that shows the change
