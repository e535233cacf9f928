"""A new issue's pages are ready when it goes live: rendered inside the publishing transaction, kept from its commit.

These tests commit for real (``transaction=True``): what is rendered ahead
is kept only when the publication commits.
"""

import datetime
import logging

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone

from articles import publishing
from articles.models import Article
from tests.factories import make_article, make_issue, make_page
from tests.people import make_staff
from unionpaper import cache_keys as ck
from unionpaper import dependency_cache

pytestmark = pytest.mark.django_db(transaction=True)

MAY_1 = datetime.date(2024, 5, 1)


@pytest.fixture
def chief():
    return make_staff("zhoumin", "总编")


@pytest.fixture
def draft_issue():
    """Yesterday's issue is live; 5月1日 waits: pages A01 (两篇) and A02 (一篇), nothing public yet."""
    make_article(make_page(make_issue(datetime.date(2024, 4, 30)), "A01"), headline="前一期的头条")
    issue = make_issue(MAY_1, published=False)
    a01, a02 = make_page(issue, "A01", name="要闻"), make_page(issue, "A02", name="工会动态")
    return {
        "issue": issue,
        "a01": a01,
        "a02": a02,
        "lead": make_article(a01, headline="新一期头条", published=False, order=0),
        "second": make_article(a01, headline="头版第二篇", published=False, order=1),
        "inside": make_article(a02, headline="二版稿件", published=False),
    }


def first_look(path):
    """Return how a reader's first request for ``path`` was served, and the page."""
    response = Client().get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response["X-Page-Cache"], response.content.decode()


def renders_ahead(caplog) -> list[str]:
    return [r.getMessage().split()[1] for r in caplog.records if "(ahead)" in r.getMessage()]


def test_the_first_readers_of_a_new_issue_find_its_pages_ready(chief, draft_issue, caplog):
    paper = draft_issue
    with caplog.at_level(logging.INFO, logger="unionpaper.render"):
        publishing.publish_issue(issue=paper["issue"], user=chief)
    articles = [paper["lead"], paper["second"], paper["inside"]]
    paths = ["/", paper["issue"].get_absolute_url(), paper["a01"].get_absolute_url(), paper["a02"].get_absolute_url()]
    paths += [a.get_absolute_url() for a in articles]
    assert renders_ahead(caplog) == paths
    how, text = first_look("/")
    assert how == "hit" and "新一期头条" in text
    assert [first_look(path)[0] for path in paths[1:]] == ["hit"] * (len(paths) - 1)
    how, text = first_look(paper["second"].get_absolute_url())
    assert "头版第二篇" in text and "上一篇<small>新一期头条</small>" in text


def test_pages_rendered_ahead_still_follow_a_later_change(chief, draft_issue):
    paper = draft_issue
    publishing.publish_issue(issue=paper["issue"], user=chief)
    lead = Article.objects.get(pk=paper["lead"].pk)
    lead.headline = "更正后的头条"
    lead.save()
    how, text = first_look(paper["a01"].get_absolute_url())
    assert how == "miss" and "更正后的头条" in text
    assert first_look(paper["a02"].get_absolute_url())[0] == "hit"


def test_a_page_whose_rows_another_editor_changed_meanwhile_is_rendered_again(chief, draft_issue, monkeypatch):
    paper = draft_issue
    rendered = publishing.render_ahead

    def then_another_change(paths):
        kept = rendered(paths)
        ck.invalidate({ck.key_for(paper["inside"])})  # committed elsewhere while these pages were rendered
        return kept

    monkeypatch.setattr(publishing, "render_ahead", then_another_change)
    publishing.publish_issue(issue=paper["issue"], user=chief)
    assert first_look(paper["a02"].get_absolute_url())[0] == "miss"
    assert first_look(paper["a01"].get_absolute_url())[0] == "hit"


def test_nothing_rendered_ahead_is_shared_before_the_commit_or_kept_when_it_fails(chief, draft_issue, monkeypatch):
    paper = draft_issue
    rendered = publishing.render_ahead
    shared = f"{dependency_cache.SHARED_KEY_PREFIX}:issue-pages:{paper['issue'].pk}"
    seen = {}

    def then_fail(paths):
        rendered(paths)
        seen["shared before the commit"] = cache.get(shared)  # other processes find only what is committed
        raise RuntimeError("the database went away")

    monkeypatch.setattr(publishing, "render_ahead", then_fail)
    with pytest.raises(RuntimeError):
        publishing.publish_issue(issue=paper["issue"], user=chief)
    assert seen == {"shared before the commit": None}
    assert cache.get(shared) is None
    assert "新一期头条" not in Client().get("/").content.decode()
    assert Client().get(paper["lead"].get_absolute_url()).status_code == 404


def test_a_story_added_to_a_live_issue_is_rendered_ahead_when_it_goes_live(chief, draft_issue, caplog):
    from issues.models import Issue

    paper = draft_issue
    publishing.publish_issue(issue=paper["issue"], user=chief)
    late = make_article(paper["a02"], headline="补发的稿件", published=False, order=1)
    with caplog.at_level(logging.INFO, logger="unionpaper.render"):
        publishing.publish_issue(issue=Issue.objects.get(pk=paper["issue"].pk), user=chief)
    assert late.get_absolute_url() in renders_ahead(caplog)
    how, text = first_look(late.get_absolute_url())
    assert how == "hit" and "补发的稿件" in text


def test_a_scheduled_issue_is_not_rendered_ahead(chief, draft_issue, caplog):
    with caplog.at_level(logging.INFO, logger="unionpaper.render"):
        publishing.publish_issue(
            issue=draft_issue["issue"], user=chief, at=timezone.now() + datetime.timedelta(hours=1)
        )
    assert renders_ahead(caplog) == []


def test_pages_are_kept_only_for_a_transaction_that_commits():
    with ck.recording() as deps:
        ck.depends_on_list("list:latest-issue")
    try:
        with transaction.atomic():
            ck.changed({"list:latest-issue"})
            ck.keep_after_commit("p1", "新一期", deps, ck.clock(), timeout=60)
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    with transaction.atomic():
        ck.changed({"article:9"})
    assert cache.get("p1") is None


def test_a_page_rendered_ahead_is_kept_as_fresh_as_one_rendered_at_the_commit():
    with ck.recording() as deps:
        ck.depends_on_list("list:latest-issue")
    with transaction.atomic():
        ck.changed({"list:latest-issue"})
        ck.keep_after_commit("p1", "新一期", deps, ck.clock(), timeout=60)
    entry, _, _ = ck.lookup("p1")
    assert entry is not None and entry.value == "新一期"
    ck.changed({"list:latest-issue"})
    assert ck.lookup("p1")[0] is None
