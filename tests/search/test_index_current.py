"""The index follows every save, delete, theme change and change of publication."""

import datetime

import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import Article
from articles.search import index, results
from articles.search.backends import postgres
from tests.factories import make_article, make_page
from unionpaper.publishing import Status


def ids(q, **params):
    search = results.run({"q": q, **params}, per_page=100)
    assert not search.errors, search.errors
    return {hit.article.id for hit in search.hits}


def test_edited_article_is_found_by_its_new_text_only(db):
    article = make_article(headline="新闻", body="<p>职工书屋开放</p>")
    assert ids("职工书屋") == {article.id}
    article.body = "<p>劳模创新工作室揭牌</p>"
    article.save()
    assert ids("职工书屋") == set()
    assert ids("创新工作室") == {article.id}


def test_deleted_article_leaves_the_index(db):
    article = make_article(body="<p>金秋助学</p>")
    article.delete()
    assert ids("金秋助学") == set()
    assert index.indexed_count() == 0


def test_deleting_an_issue_removes_its_articles(db):
    article = make_article(body="<p>金秋助学</p>")
    article.page.issue.delete()
    assert ids("金秋助学") == set()


def test_unpublishing_an_article_hides_it(db):
    article = make_article(body="<p>送清凉</p>")
    assert ids("送清凉") == {article.id}
    article.status = Status.DRAFT
    article.save()
    assert ids("送清凉") == set()


def test_unpublishing_the_issue_hides_its_articles(db):
    article = make_article(body="<p>送清凉</p>")
    issue = article.page.issue
    issue.status = Status.REVIEW
    issue.save()
    assert ids("送清凉") == set()
    issue.status = Status.PUBLISHED
    issue.save()
    assert ids("送清凉") == {article.id}


def test_scheduled_article_appears_when_its_time_comes(db):
    now = timezone.now()
    article = make_article(body="<p>定时发布</p>", publish_at=now + datetime.timedelta(hours=2))
    assert ids("定时发布") == set()
    with time_machine.travel(now + datetime.timedelta(hours=3)):
        assert ids("定时发布") == {article.id}


def test_theme_changes_reach_the_theme_filter(db):
    article = make_article(body="<p>技能比武</p>")
    article.themes.add("技能竞赛")
    assert ids("技能比武", theme="技能竞赛") == {article.id}
    article.themes.remove("技能竞赛")
    assert ids("技能比武", theme="技能竞赛") == set()
    article.themes.set(["技能竞赛"])
    assert ids("技能比武", theme="技能竞赛") == {article.id}
    article.themes.clear()
    assert ids("技能比武", theme="技能竞赛") == set()


def test_moving_a_page_or_redating_an_issue_updates_filters(db):
    article = make_article(body="<p>职工疗休养</p>")
    page = article.page
    page.code = "B03"
    page.save()
    assert ids("疗休养", page_code="B03") == {article.id}
    issue = page.issue
    issue.date = datetime.date(1999, 9, 9)
    issue.save()
    assert ids("疗休养", start="1999-01-01", end="1999-12-31") == {article.id}
    assert ids("疗休养", start="2023-01-01") == set()


def test_rebuild_command_restores_a_lost_index(db, capsys):
    article = make_article(body="<p>职工互助保障</p>")
    index.remove([article.id])
    assert ids("互助保障") == set()
    call_command("rebuild_search_index", batch_size=1)
    assert ids("互助保障") == {article.id}
    assert "已索引 1 篇稿件" in capsys.readouterr().out
    index.remove([article.id])
    call_command("rebuild_search_index", missing=True)
    assert ids("互助保障") == {article.id}


def test_a_large_rebuild_into_an_empty_index_builds_its_search_index_at_the_end(db, monkeypatch):
    article = make_article(body="<p>职工互助保障</p>")
    monkeypatch.setattr(postgres, "BULK_LOAD", 0)  # as for an archive of more than 10,000 articles
    call_command("rebuild_search_index", verbosity=0)
    assert ids("互助保障") == {article.id}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            indexes = connection.introspection.get_constraints(cursor, index.ENTRY)
        assert indexes[postgres.GIN_INDEX]["type"] == "gin"


def test_bulk_created_articles_are_indexed_by_rebuild(db):
    page = make_page()
    Article.objects.bulk_create(
        [
            Article(
                page=page,
                headline="导入稿件",
                body="<p>往期导入</p>",
                status="published",
                publish_at=timezone.now(),
                order=i,
            )
            for i in range(3)
        ]
    )
    assert ids("往期导入") == set()
    call_command("rebuild_search_index", verbosity=0)
    assert len(ids("往期导入")) == 3
