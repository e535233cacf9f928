"""The same printed article is imported once, whatever the file is called or how it is encoded."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from tests.factories import make_article, make_issue, make_page
from tests.importing import samples

pytestmark = pytest.mark.django_db


def run(*paths, expect=0):
    """Run the command as an operator would; return (stdout, stderr) and check the exit status."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, paths), "--no-progress", stdout=out, stderr=err)
        status = 0
    except CommandError as exc:
        status = exc.returncode
        err.write(str(exc))
    assert status == expect, out.getvalue() + err.getvalue()
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "copy",
    [
        {"name": "re-scrape.txt"},
        {"name": "bom-crlf.txt", "bom": True, "crlf": True},
        {"name": "gb.txt", "encoding": "gb18030"},
        {"name": "spaced.txt", "spaced": True},
    ],
    ids=["another name", "BOM and CRLF", "GB18030", "names spaced otherwise"],
)
def test_the_same_article_under_another_name_is_imported_once_and_reported(write_file, tmp_path, copy):
    text = samples.seed_shape(body=["市总工会主席刘飞慰问了一线职工。", *samples.BODY])
    run(write_file("original.txt", text))
    [article] = Article.objects.all()
    copy = dict(copy)
    name = copy.pop("name")
    if copy.pop("spaced", False):
        text = text.replace("刘飞", "刘 飞").replace("张 建 国", "张建国")
    out, err = run(write_file(name, text, **copy), "--report", tmp_path / "report.csv", expect=3)
    assert Article.objects.count() == 1
    assert "重复未导入 1" in out and f"是稿件 {article.pk} " in out and "duplicate=1" in out
    assert "重复" in err
    with open(tmp_path / "report.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["status"], r["article"].split()[0]) for r in rows] == [("duplicate", str(article.pk))]
    assert f"与已有稿件 {article.pk} 内容相同" in rows[0]["message"]


def test_running_the_same_file_again_is_unchanged_not_duplicate(write_file):
    path = write_file("a.txt", samples.seed_shape())
    run(path)
    out, _ = run(path)
    assert "duplicate=0" in out and Article.objects.count() == 1


def test_an_article_typed_in_the_admin_is_recognised_too(write_file):
    page = make_page(make_issue(datetime.date(2023, 3, 5)), "A03")
    body = "".join(f"<p>{p}</p>" for p in samples.BODY)
    typed = make_article(page, headline=samples.HEADLINE, kicker=samples.KICKER, body=body)
    out, _ = run(write_file("a.txt", samples.seed_shape()), expect=3)
    assert f"是稿件 {typed.pk} " in out and Article.objects.count() == 1


def test_a_near_duplicate_is_imported_and_flagged_for_a_person(write_file, tmp_path):
    run(write_file("first.txt", samples.seed_shape()))
    [old] = Article.objects.all()
    corrected = samples.seed_shape(body=[*samples.BODY[:2], "市总工会还联合人社部门，为获奖职工落实技能等级晋升政策。"])
    out, _ = run(write_file("second.txt", corrected), "--report", tmp_path / "r.csv", expect=3)
    assert Article.objects.count() == 2
    assert "疑似重复 1" in out and f"与稿件 {old.pk} 同日、同版、同题而正文不同" in out
    with open(tmp_path / "r.csv", encoding="utf-8-sig") as fh:
        [row] = list(csv.DictReader(fh))
    assert row["status"] == "created" and "疑似重复" in row["message"]


def test_replace_lets_a_corrected_rescrape_replace_the_old_article(write_file):
    run(write_file("first.txt", samples.seed_shape()))
    [old] = Article.objects.all()
    url = old.get_absolute_url()
    corrected = samples.seed_shape(body=[*samples.BODY[:2], "更正后的第三段。"])
    path = write_file("second.txt", corrected)
    out, _ = run(path, "--replace")
    [article] = Article.objects.all()
    assert article.pk == old.pk and article.get_absolute_url() == url
    assert "更正后的第三段" in article.body and article.source_key.endswith("/second.txt#1")
    assert f"替换了同日同版同题的稿件 {old.pk}" in out or "updated=1" in out
    out, _ = run(path, "--replace")
    assert "unchanged=1" in out
