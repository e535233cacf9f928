"""Purging a shared HTTP cache: after the commit, through each configured API, never breaking a save.

The CDN APIs are played by a local HTTP server on 127.0.0.1; nothing here reaches the internet.
"""

import datetime
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import Client

from articles.models import Article
from tests.factories import make_article, make_issue, make_page
from tests.ports import free_port
from unionpaper import cache_keys as ck
from unionpaper import frontend_cache


class FakeAPI:
    """An HTTP server that records every request and answers with ``status`` and ``body``."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.body = b'{"success": true, "result": {"id": "1"}}'
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                api.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": self.rfile.read(length) if length else b"",
                    }
                )
                self.send_response(api.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(api.body)))
                self.end_headers()
                self.wfile.write(api.body)

            do_POST = do_PURGE = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def api():
    server = FakeAPI()
    yield server
    server.close()


def unused_url():
    return f"http://127.0.0.1:{free_port()}"


def fastly(api):
    return {
        "BACKEND": "unionpaper.frontend_cache.FastlyBackend",
        "SERVICE_ID": "svc123",
        "API_TOKEN": "fastly-token",
        "API_URL": api.url,
    }


def cloudflare(api):
    return {
        "BACKEND": "unionpaper.frontend_cache.CloudflareBackend",
        "ZONE_ID": "zone9",
        "API_TOKEN": "cf-token",
        "API_URL": api.url,
    }


def test_fastly_is_asked_to_purge_the_keys_by_surrogate_key_256_at_a_time(api, settings):
    settings.FRONTEND_CACHES = {"fastly": fastly(api)}
    keys = [f"article:{n}" for n in range(300)]
    frontend_cache.purge(keys)
    assert [r["path"] for r in api.requests] == ["/service/svc123/purge"] * 2
    assert all(r["method"] == "POST" and r["headers"]["fastly-key"] == "fastly-token" for r in api.requests)
    sent = [k for r in api.requests for k in r["headers"]["surrogate-key"].split(" ")]
    assert sorted(sent) == sorted(keys)
    assert len(api.requests[0]["headers"]["surrogate-key"].split(" ")) == 256


def test_cloudflare_is_asked_to_purge_the_keys_as_cache_tags_30_at_a_time(api, settings):
    settings.FRONTEND_CACHES = {"cloudflare": cloudflare(api)}
    keys = [f"page:{n}" for n in range(45)]
    frontend_cache.purge(keys)
    assert [r["path"] for r in api.requests] == ["/zones/zone9/purge_cache"] * 2
    assert api.requests[0]["headers"]["authorization"] == "Bearer cf-token"
    sent = [t for r in api.requests for t in json.loads(r["body"])["tags"]]
    assert sorted(sent) == sorted(keys)


def test_varnish_gets_a_purge_with_the_keys_at_every_location_even_when_one_is_down(api, settings, caplog):
    settings.FRONTEND_CACHES = {
        "varnish": {"BACKEND": "unionpaper.frontend_cache.VarnishBackend", "LOCATIONS": [unused_url(), api.url]}
    }
    with caplog.at_level(logging.ERROR, logger="unionpaper.frontend_cache"):
        frontend_cache.purge({"article:1", "list:feeds"})
    assert [(r["method"], r["headers"]["xkey-purge"]) for r in api.requests] == [("PURGE", "article:1 list:feeds")]
    assert "purging 2 keys failed" in caplog.text


def test_a_purge_the_api_refuses_is_logged_and_does_not_raise(api, settings, caplog):
    settings.FRONTEND_CACHES = {"cloudflare": cloudflare(api)}
    api.body = b'{"success": false, "errors": [{"code": 1134, "message": "Invalid tag"}]}'
    with caplog.at_level(logging.ERROR, logger="unionpaper.frontend_cache"):
        frontend_cache.purge({"article:1"})
    assert "Cloudflare refused the purge" in caplog.text
    api.status, api.body = 503, b"{}"
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="unionpaper.frontend_cache"):
        frontend_cache.purge({"article:1"})
    assert "answered 503" in caplog.text


@pytest.mark.django_db
def test_keys_are_purged_only_once_the_change_commits(api, settings, django_capture_on_commit_callbacks):
    settings.FRONTEND_CACHES = {"fastly": fastly(api)}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ck.changed({"article:7"})
        assert api.requests == []
    assert [r["headers"]["surrogate-key"] for r in api.requests] == ["article:7"]


@pytest.mark.django_db
def test_a_change_rolled_back_purges_nothing(api, settings, django_capture_on_commit_callbacks):
    settings.FRONTEND_CACHES = {"fastly": fastly(api)}
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                ck.changed({"article:7"})
                raise RuntimeError("save failed")
        except RuntimeError:
            pass
    assert api.requests == []


@pytest.mark.django_db
def test_a_save_succeeds_when_the_shared_cache_cannot_be_reached(settings, django_capture_on_commit_callbacks, caplog):
    from articles.models import Article
    from tests.factories import make_article

    settings.FRONTEND_CACHES = {
        "varnish": {"BACKEND": "unionpaper.frontend_cache.VarnishBackend", "LOCATIONS": [unused_url()]}
    }
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        article = make_article()
        ck.changed({ck.key_for(article)})
    assert "keys failed" in caplog.text
    assert article.pk and Article.objects.filter(pk=article.pk).exists()


def test_pages_carry_their_keys_in_the_header_each_cache_reads(api, settings):
    settings.FRONTEND_CACHES = {"fastly": fastly(api), "cloudflare": cloudflare(api)}
    response = HttpResponse("页面")
    assert frontend_cache.tag_response(response, {"page:3", "article:1"}, max_age=120)
    assert response["Surrogate-Key"] == "article:1 page:3"
    assert response["Cache-Tag"] == "article:1,page:3"
    assert response["Surrogate-Control"] == "max-age=120"
    assert response["Cloudflare-CDN-Cache-Control"] == "max-age=120"


def test_a_page_with_more_keys_than_a_header_holds_is_not_kept_by_the_shared_cache(api, settings):
    settings.FRONTEND_CACHES = {"fastly": fastly(api)}
    response = HttpResponse("页面")
    assert not frontend_cache.tag_response(response, {f"article:{n}" for n in range(3000)})
    assert not response.has_header("Surrogate-Key") and not response.has_header("Surrogate-Control")


def test_without_a_configured_cache_pages_carry_no_keys(settings):
    settings.FRONTEND_CACHES = {}
    response = HttpResponse("页面")
    assert not frontend_cache.tag_response(response, {"article:1"})
    assert not response.has_header("Surrogate-Key")


@pytest.mark.django_db
def test_the_saves_of_one_transaction_are_purged_in_one_request(api, settings, django_capture_on_commit_callbacks):
    settings.FRONTEND_CACHES = {"fastly": fastly(api)}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for n in range(35):  # an issue going live: every article saved
            ck.changed({f"article:{n}", "list:latest-issue"})
    assert len(api.requests) == 1
    assert len(api.requests[0]["headers"]["surrogate-key"].split(" ")) == 36


@pytest.mark.django_db(transaction=True)
def test_a_change_outside_any_transaction_is_purged_at_once(api, settings):
    settings.FRONTEND_CACHES = {"fastly": fastly(api)}
    ck.changed({"article:9"})
    assert [r["headers"]["surrogate-key"] for r in api.requests] == ["article:9"]


def varnish(api):
    return {"BACKEND": "unionpaper.frontend_cache.VarnishBackend", "LOCATIONS": [api.url]}


def served(path):
    """Return how the app served ``path`` to a reader (its own page cache: hit or miss) and the page."""
    response = Client().get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response["X-Page-Cache"], response.content.decode()


def correct(article, **fields):
    article = Article.objects.get(pk=article.pk)
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()


@pytest.mark.django_db(transaction=True)
def test_with_a_shared_cache_a_corrected_article_is_rendered_again_before_the_purge(api, settings, caplog):
    settings.FRONTEND_CACHES = {"varnish": varnish(api)}
    settings.PUBLIC_PAGE_CACHE = True
    article = make_article(make_page(make_issue(datetime.date(2024, 5, 1)), "A01"), body="<p>原来的正文。</p>")
    url = article.get_absolute_url()
    served(url)
    with caplog.at_level(logging.INFO):
        correct(article, body="<p>原来的正文。</p><p>（本文有更正）</p>")
    # The shared cache's next request for the article (its purge emptied it) finds it ready in the app.
    how, page = served(url)
    assert how == "hit" and "本文有更正" in page
    assert [
        r["headers"]["xkey-purge"] for r in api.requests if f"article-text:{article.pk}" in r["headers"]["xkey-purge"]
    ]
    order = [r.getMessage() for r in caplog.records if r.name in ("unionpaper.render", "unionpaper.frontend_cache")]
    rendered = next(n for n, m in enumerate(order) if m.startswith(f"render {url} "))
    purged = next(n for n, m in enumerate(order) if "purged" in m)
    assert rendered < purged


@pytest.mark.django_db(transaction=True)
def test_with_a_shared_cache_a_new_headline_renders_the_article_and_its_page_before_the_purge(api, settings):
    settings.FRONTEND_CACHES = {"varnish": varnish(api)}
    settings.PUBLIC_PAGE_CACHE = True
    page = make_page(make_issue(datetime.date(2024, 5, 1)), "A01")
    article, other = make_article(page, headline="旧标题"), make_article(page, headline="另一篇")
    for path in (article.get_absolute_url(), page.get_absolute_url(), other.get_absolute_url()):
        served(path)
    correct(article, headline="新标题")
    how, shown = served(article.get_absolute_url())
    assert how == "hit" and "新标题" in shown
    how, shown = served(page.get_absolute_url())
    assert how == "hit" and "新标题" in shown
    # A page that also lists the headline but is not its article's or page's own is left to its first reader.
    assert served(other.get_absolute_url())[0] == "miss"


@pytest.mark.django_db(transaction=True)
def test_a_draft_or_a_site_without_a_shared_cache_renders_nothing_on_save(api, settings, caplog):
    settings.PUBLIC_PAGE_CACHE = True
    page = make_page(make_issue(datetime.date(2024, 5, 1)), "A01")
    article = make_article(page)
    served(article.get_absolute_url())
    correct(article, body="<p>没有共享缓存时的更正。</p>")
    assert served(article.get_absolute_url())[0] == "miss"  # no shared cache: the first reader renders it

    settings.FRONTEND_CACHES = {"varnish": varnish(api)}
    draft = make_article(page, headline="未发布的稿件", published=False)
    with caplog.at_level(logging.INFO, logger="unionpaper.render"):
        correct(draft, body="<p>草稿的修改。</p>")
    assert not [r for r in caplog.records if r.name == "unionpaper.render"]
