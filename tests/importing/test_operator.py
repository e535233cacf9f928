"""What the operator sees and relies on: dry run, report, corrections and their history."""

import csv

import pytest
import reversion
from django.contrib.auth import get_user_model
from reversion.models import Version

from articles.models import Article
from issues.models import Issue, Page

from . import samples

pytestmark = pytest.mark.django_db


def _read_report(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_dry_run_reports_what_would_happen_and_writes_nothing(run_import, write_file, tmp_path):
    existing = write_file("in/a.txt", samples.seed_shape())
    run_import(existing)
    write_file("in/a.txt", samples.seed_shape(heading="岗位练兵 技能比武 匠心筑梦让技术工人成为发展主力军"))
    write_file("in/b.txt", samples.SECOND)
    write_file("in/bad.txt", samples.MALFORMED)
    before = list(Article.objects.values_list("id", "headline", "updated_at"))
    counts = (Issue.objects.count(), Page.objects.count())
    outcome = run_import(tmp_path / "in", "--dry-run", "--report", tmp_path / "dry.csv")
    assert not outcome.ok
    assert "imported=1 updated=1 unchanged=0 failed=1" in outcome.out and "(dry run)" in outcome.out
    assert list(Article.objects.values_list("id", "headline", "updated_at")) == before
    assert (Issue.objects.count(), Page.objects.count()) == counts
    rows = {r["file"].rsplit("/", 1)[1]: r for r in _read_report(tmp_path / "dry.csv")}
    assert rows["a.txt"]["status"] == "updated" and "主标题" in rows["a.txt"]["message"]
    assert rows["b.txt"]["status"] == "created"
    assert rows["bad.txt"]["status"] == "failed" and "第 5 行" in rows["bad.txt"]["message"]


def test_dry_run_then_real_run_agree(run_import, write_file, tmp_path):
    write_file("in/a.txt", samples.several(samples.seed_shape(), samples.SECOND))
    write_file("in/c.txt", samples.THIRD)
    dry = run_import(tmp_path / "in", "--dry-run")
    real = run_import(tmp_path / "in")
    assert dry.out.splitlines()[-1].replace(" (dry run)", "") == real.out.splitlines()[-1]
    assert Article.objects.count() == 3


def test_report_has_one_row_per_article_with_file_status_article_message(run_import, write_file, tmp_path):
    two = write_file("two.txt", samples.several(samples.seed_shape(), samples.SECOND))
    bad = write_file("bad.txt", samples.MALFORMED)
    run_import(two, bad, "--report", tmp_path / "report.csv")
    rows = _read_report(tmp_path / "report.csv")
    assert list(rows[0]) == ["file", "status", "article", "message"]
    by_file = {}
    for row in rows:
        by_file.setdefault(row["file"], []).append(row)
    assert [r["status"] for r in by_file[str(two)]] == ["created", "created"]
    ids = {a.pk for a in Article.objects.all()}
    assert {int(r["article"].split()[0]) for r in by_file[str(two)]} == ids
    assert by_file[str(bad)][0]["status"] == "failed"
    assert "出处行" in by_file[str(bad)][0]["message"]


def test_corrected_file_updates_the_article_in_place(run_import, write_file):
    path = write_file("2023-03-05/a.txt", samples.seed_shape())
    run_import(path)
    article = Article.objects.get()
    url = article.get_absolute_url()
    corrected = [*samples.BODY[:2], "市总工会还联合人社部门，为获奖职工落实技能等级晋升政策。"]
    write_file("2023-03-05/a.txt", samples.seed_shape(body=corrected, page="第A05版"))
    outcome = run_import(path)
    assert "updated=1" in outcome.out
    again = Article.objects.get()
    assert again.pk == article.pk and again.get_absolute_url() == url
    assert again.body.endswith("<p>市总工会还联合人社部门，为获奖职工落实技能等级晋升政策。</p>")
    assert again.page.code == "A05"
    assert "unchanged=1" in run_import(path).out


def test_body_change_of_a_published_article_is_recorded_with_who_when_and_what(run_import, write_file):
    assert reversion.is_registered(Article)
    archivist = get_user_model().objects.create_user("archivist", password="x")
    path = write_file("a.txt", samples.seed_shape())
    run_import(path)
    article = Article.objects.get()
    changed = [samples.BODY[0], "第二段改写：参赛职工达三万五千人次。", samples.BODY[2], "新增的第四段。"]
    write_file("a.txt", samples.seed_shape(body=changed))
    run_import(path, "--user", "archivist")

    versions = list(Version.objects.get_for_object(article))  # newest first
    assert len(versions) == 2
    latest, before = versions
    assert latest.revision.user == archivist
    assert latest.revision.date_created is not None
    assert "正文" in latest.revision.comment and "a.txt" in latest.revision.comment
    assert "改第 2 段" in latest.revision.comment and "增第 4 段" in latest.revision.comment
    assert "新增的第四段" in latest.field_dict["body"]
    assert before.field_dict["body"] == "".join(f"<p>{p}</p>" for p in samples.BODY)


def test_unknown_user_is_refused_before_anything_is_imported(run_import, write_file):
    outcome = run_import(write_file("a.txt", samples.seed_shape()), "--user", "nobody")
    assert not outcome.ok and "nobody" in outcome.err
    assert Article.objects.count() == 0


def test_editors_later_withdrawal_is_kept_when_the_file_is_corrected(run_import, write_file):
    path = write_file("a.txt", samples.seed_shape())
    run_import(path)
    Article.objects.update(status="draft")
    write_file("a.txt", samples.seed_shape(heading="更正后的标题"))
    run_import(path)
    article = Article.objects.get()
    assert article.headline == "更正后的标题" and article.status == "draft"


def test_missing_path_fails_and_is_named(run_import, tmp_path):
    outcome = run_import(tmp_path / "nope.txt")
    assert not outcome.ok and "nope.txt" in outcome.err
