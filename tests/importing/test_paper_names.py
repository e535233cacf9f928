"""A file of another paper is refused, the line naming it reported with the name found and the one expected."""

import csv

import pytest

from articles.models import Article
from issues.models import Issue, Page

from . import samples

pytestmark = pytest.mark.django_db

OUR_CITATION = "《职工天地》(2023年03月05日 第A03版)"


def _nothing_written():
    return (Issue.objects.count(), Page.objects.count(), Article.objects.count()) == (0, 0, 0)


def test_a_citation_naming_another_paper_fails_its_file_on_its_line(run_import, write_file, tmp_path):
    text = samples.seed_shape().replace(OUR_CITATION, "《职工日报》(2023年03月05日 第A03版)")
    bad = write_file("bad.txt", text)
    outcome = run_import(bad)
    assert not outcome.ok
    assert str(bad) in outcome.err and "第 7 行" in outcome.err, outcome.err
    assert "出处行“《职工日报》(2023年03月05日 第A03版)”的报名是“职工日报”，不是本报“职工天地”" in outcome.err
    assert _nothing_written()

    good = write_file("good.txt", samples.SECOND)
    both = run_import(bad, good, "--report", tmp_path / "report.csv")
    assert "imported=1" in both.out and "failed=1" in both.out
    with open(tmp_path / "report.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {row["file"]: row for row in csv.DictReader(fh)}
    assert rows[str(bad)]["status"] == "failed"
    assert "第 7 行" in rows[str(bad)]["message"] and "“职工日报”" in rows[str(bad)]["message"]
    assert list(Article.objects.values_list("headline", flat=True)) == ["困难职工家庭迎来“暖心包”"]


@pytest.mark.parametrize(
    "citation",
    ["《职工日报》(2023年03月05日 第A03版)", OUR_CITATION],
    ids=["its own citation", "our citation"],
)
def test_a_masthead_of_another_paper_is_reported_as_such_not_as_missing(run_import, write_file, citation):
    text = samples.seed_shape(paper="职工日报").replace("《职工日报》(2023年03月05日 第A03版)", citation)
    outcome = run_import(write_file("other.txt", text))
    assert not outcome.ok
    assert "第 5 行" in outcome.err, outcome.err
    assert "报头行“职工日报 2023年03月05日 星期日”的报名是“职工日报”，不是本报“职工天地”" in outcome.err
    assert "缺少报头行" not in outcome.err and "找不到报头行" not in outcome.err
    assert _nothing_written()


def test_a_masthead_with_a_misspelt_name_is_reported_for_the_name(run_import, write_file):
    text = samples.seed_shape().replace("职工天地 2023年03月05日 星期日", "职工天池 2023年03月05日 星期日")
    outcome = run_import(write_file("typo.txt", text))
    assert not outcome.ok
    assert "第 5 行" in outcome.err and "报名是“职工天池”，不是本报“职工天地”" in outcome.err, outcome.err


def test_the_second_article_of_a_file_citing_another_paper_fails_the_whole_file(run_import, write_file):
    second = samples.SECOND.replace("《职工天地》(2023年03月05日 第A04版)", "《工人日报》(2023年03月05日 第A04版)")
    outcome = run_import(write_file("two.txt", samples.several(samples.seed_shape(), second)))
    assert not outcome.ok
    assert "的报名是“工人日报”，不是本报“职工天地”" in outcome.err, outcome.err
    assert _nothing_written()


def test_the_expected_name_is_the_papers_setting(run_import, write_file, settings):
    settings.PAPER_NAME = "工人文化报"
    ours = run_import(write_file("ours.txt", samples.seed_shape(paper="工人文化报")))
    assert ours.ok, ours.err
    outcome = run_import(write_file("other.txt", samples.seed_shape(paper="职工日报", date="2023年03月12日")))
    assert not outcome.ok
    assert "报名是“职工日报”，不是本报“工人文化报”" in outcome.err and "PAPER_NAME" in outcome.err, outcome.err


def test_a_body_line_of_a_word_and_a_date_is_still_text(run_import, write_file):
    body = ["截至 2023年03月01日", *samples.BODY]
    outcome = run_import(write_file("a.txt", samples.seed_shape(body=body)))
    assert outcome.ok, outcome.err
    assert "截至 2023年03月01日" in Article.objects.get().body
