"""``import_articles`` as an archivist runs it on scraped text files."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.search import index
from issues.models import Issue, Page
from tests.factories import make_article, make_issue, make_page
from unionpaper.publishing import Status

from . import samples

SEEDS = Path("/work/shared/seeds")

pytestmark = pytest.mark.django_db


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_seed_file_imports_as_one_published_article_on_a34():
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is absent (it is present in CI)")
    call_command("import_articles", str(SEEDS), "--no-progress", stdout=io.StringIO())
    article = Article.objects.get()
    assert article.page.issue.date == datetime.date(2023, 1, 1)
    assert article.page.code == "A34"
    assert article.body.count("<p>") == 5
    assert article.author_names == "刘飞"
    assert article.author_title == "临沂市人大常委会副主任、市总工会主席"
    assert article.is_public and article.page.issue.is_public
    assert article.citation == "《职工天地》(2023年01月01日 第A34版)"


def test_seed_file_second_run_reports_unchanged_and_writes_nothing(run_import):
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is absent (it is present in CI)")
    assert run_import(SEEDS).ok
    with CaptureQueriesContext(connection) as queries:
        second = run_import(SEEDS)
    assert second.ok
    assert "unchanged=1" in second.out and "imported=0" in second.out
    assert _writes(queries) == []


def test_fake_article_imports_with_spaced_names_joined_and_body_once(run_import, write_file):
    path = write_file("a.txt", samples.seed_shape())
    outcome = run_import(path)
    assert outcome.ok, outcome.err
    article = Article.objects.get()
    assert article.kicker == samples.KICKER
    assert article.headline == samples.HEADLINE
    assert article.author_names == "张建国"
    assert article.author_title == "市总工会副主席、市职工技协会长"
    assert article.byline_role == "文"
    assert article.body == "".join(f"<p>{p}</p>" for p in samples.BODY)
    assert article.page.code == "A03" and article.page.issue.date == datetime.date(2023, 3, 5)
    assert "imported=1" in outcome.out


def test_bom_and_crlf_file_imports_like_a_plain_one(run_import, write_file):
    bom = write_file("bom/a.txt", samples.seed_shape(), bom=True, crlf=True)
    assert run_import(bom).ok
    article = Article.objects.get()
    assert article.body == "".join(f"<p>{p}</p>" for p in samples.BODY)
    assert article.byline == samples.BYLINE
    # The same file saved as plain UTF-8 with LF, from another folder, is the same article, unchanged.
    outcome = run_import(write_file("plain/a.txt", samples.seed_shape()))
    assert "unchanged=1" in outcome.out
    assert Article.objects.count() == 1


def test_body_markup_in_text_is_escaped_not_obeyed(run_import, write_file):
    body = ["职工说：<script>alert(1)</script> 这是原文。", "A&B 两个班组 <b>并列</b> 第一。"]
    run_import(write_file("x.txt", samples.seed_shape(body=body)))
    article = Article.objects.get()
    assert "<script>" not in article.body and "<b>" not in article.body
    assert "&lt;script&gt;" in article.body and "A&amp;B" in article.body


def test_malformed_file_fails_with_file_line_and_reason_and_leaves_database_as_it_was(run_import, write_file):
    bad = write_file("bad.txt", samples.MALFORMED)
    good = write_file("good.txt", samples.SECOND)
    before = (Issue.objects.count(), Page.objects.count(), Article.objects.count())
    outcome = run_import(bad)
    assert not outcome.ok
    assert str(bad) in outcome.err and "第 5 行" in outcome.err and "出处行" in outcome.err
    assert (Issue.objects.count(), Page.objects.count(), Article.objects.count()) == before

    both = run_import(bad, good)
    assert not both.ok
    assert "imported=1" in both.out and "failed=1" in both.out
    assert list(Article.objects.values_list("headline", flat=True)) == ["困难职工家庭迎来“暖心包”"]


def test_file_failing_after_its_first_article_leaves_nothing_of_it(run_import, write_file):
    broken_second = samples.SECOND.replace("《职工天地》(2023年03月05日 第A04版)", "")
    path = write_file("two.txt", samples.several(samples.seed_shape(), broken_second))
    outcome = run_import(path)
    assert not outcome.ok
    assert (Issue.objects.count(), Page.objects.count(), Article.objects.count()) == (0, 0, 0)


def test_draft_option_imports_unpublished(run_import, write_file):
    run_import(write_file("a.txt", samples.seed_shape()), "--draft")
    article = Article.objects.get()
    assert article.status == Status.DRAFT and not article.is_public
    assert article.page.issue.status == Status.DRAFT
    assert not Article.objects.published().exists()


def test_imported_back_issue_is_public_from_its_print_date(run_import, write_file):
    run_import(write_file("a.txt", samples.seed_shape()))
    article = Article.objects.get()
    assert article.publish_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).date() == datetime.date(
        2023, 3, 5
    )
    assert Article.objects.published().get() == article


def test_existing_issue_and_page_are_reused(run_import, write_file):
    page = make_page(make_issue(datetime.date(2023, 3, 5)), code="A3", name="工会动态")
    make_article(page, headline="编辑部已录入的稿件")
    run_import(write_file("a.txt", samples.seed_shape()))
    assert Issue.objects.count() == 1 and Page.objects.count() == 1
    imported = Article.objects.get(source_key__isnull=False)
    assert imported.page == page and imported.order == 1
    assert Page.objects.get().name == "工会动态"


def test_articles_of_a_file_are_searchable_once_imported_and_indexed_once_each(
    run_import, write_file, monkeypatch, client
):
    calls = []
    real_write = index.write
    monkeypatch.setattr(index, "write", lambda values, **kw: (calls.append(len(values)), real_write(values, **kw))[1])
    path = write_file("three.txt", samples.several(samples.seed_shape(), samples.SECOND, samples.THIRD))
    assert run_import(path).ok
    assert Article.objects.count() == 3
    assert calls == [3], "the file's three articles are indexed together, once"
    response = client.get("/search/", {"q": "技术工人"})
    assert samples.HEADLINE in response.content.decode().replace("<mark>", "").replace("</mark>", "")


def test_a_failed_file_leaves_nothing_in_the_search_index(run_import, write_file):
    broken_second = samples.SECOND.replace("《职工天地》(2023年03月05日 第A04版)", "")
    assert not run_import(write_file("two.txt", samples.several(samples.seed_shape(), broken_second))).ok
    assert index.indexed_count() == 0


def _searched(client, q) -> str:
    response = client.get("/search/", {"q": q})
    return response.content.decode().replace("<mark>", "").replace("</mark>", "")


def test_every_article_of_a_run_is_searchable_at_its_end_indexed_once(run_import, write_file, monkeypatch, client):
    indexed = []
    real_write = index.write
    monkeypatch.setattr(
        index, "write", lambda values, **kw: (indexed.extend(v[0] for v in values), real_write(values, **kw))[1]
    )
    write_file("in/a.txt", samples.several(samples.seed_shape(), samples.SECOND))
    folder = write_file("in/b.txt", samples.THIRD).parent
    assert "imported=2" in run_import(folder).out
    ids = sorted(Article.objects.values_list("id", flat=True))
    assert len(ids) == 3 and sorted(indexed) == ids
    assert "职工书屋开进工地" in _searched(client, "开进工地")
    assert "困难职工家庭迎来" in _searched(client, "暖心包")


def test_a_corrected_article_is_found_by_its_new_text_only(run_import, write_file, client):
    path = write_file("a.txt", samples.seed_shape())
    run_import(path)
    write_file("a.txt", samples.seed_shape(heading="岗位练兵 技能比武 匠心筑梦让能工巧匠成为城市发展的主力军"))
    assert "updated=1" in run_import(path).out
    assert "能工巧匠成为城市发展的主力军" in _searched(client, "能工巧匠")
    assert "城市发展的主力军" not in _searched(client, "工人成为")


def test_articles_a_killed_run_left_unindexed_are_indexed_by_the_next_run(run_import, write_file, monkeypatch, client):
    path = write_file("a.txt", samples.several(samples.seed_shape(), samples.SECOND))
    with monkeypatch.context() as m:
        m.setattr(index, "update", lambda article_ids: None)  # the run dies before indexing
        assert run_import(path).ok
    assert "城市发展的主力军" not in _searched(client, "技术工人")
    again = run_import(path)
    assert "unchanged=1" in again.out and "2 篇" in again.err
    assert "城市发展的主力军" in _searched(client, "技术工人")
    assert "困难职工家庭迎来" in _searched(client, "暖心包")
    assert run_import(path).err == ""
