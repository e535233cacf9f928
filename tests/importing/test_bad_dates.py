"""One bad file fails with its reason; the rest of the run imports and the report is written."""

import csv
import datetime
import logging

import pytest

from articles.importing import service
from articles.importing.parser import DATE_RANGE, ParseError, date_range, parse
from articles.models import Article
from issues.models import Issue, Page
from tests.factories import png_bytes

from . import samples

pytestmark = pytest.mark.django_db


def _report(path) -> dict[str, dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {row["file"].rsplit("/", 1)[1]: row for row in csv.DictReader(fh)}


def test_an_ocr_slipped_date_fails_its_file_and_the_files_around_it_import(run_import, write_file, tmp_path):
    write_file("in/a.txt", samples.seed_shape())
    write_file("in/b.txt", samples.seed_shape(date="0001年01月01日", weekday=""))
    write_file("in/c.txt", samples.SECOND)

    outcome = run_import(tmp_path / "in", "--report", tmp_path / "r.csv")

    assert not outcome.ok  # a failed file still makes the run exit non-zero
    assert "imported=2" in outcome.out and "failed=1" in outcome.out
    assert "b.txt" in outcome.err and "第 5 行" in outcome.err and "0001年01月01日" in outcome.err
    assert sorted(Article.objects.values_list("headline", flat=True)) == sorted(
        [samples.HEADLINE, "困难职工家庭迎来“暖心包”"]
    )
    assert list(Issue.objects.values_list("date", flat=True)) == [datetime.date(2023, 3, 5)]
    rows = _report(tmp_path / "r.csv")
    assert rows["a.txt"]["status"] == "created" and rows["c.txt"]["status"] == "created"
    assert rows["b.txt"]["status"] == "failed"
    assert "第 5 行" in rows["b.txt"]["message"] and "0001年01月01日" in rows["b.txt"]["message"]
    assert "1949-01-01" in rows["b.txt"]["message"]


@pytest.mark.parametrize("date", ["0001年01月01日", "1948年12月31日", "9999年12月31日"])
def test_a_date_outside_the_papers_range_is_a_parse_error_naming_it_and_its_line(date):
    with pytest.raises(ParseError) as err:
        parse(samples.seed_shape(date=date, weekday=""))
    assert err.value.line == 5
    assert date in err.value.reason and "范围" in err.value.reason


def test_the_range_runs_from_1949_to_a_year_after_today():
    earliest, latest = date_range(datetime.date(2025, 6, 1))
    assert earliest == DATE_RANGE[0] == datetime.date(1949, 1, 1)
    assert latest == datetime.date(2025, 6, 1) + DATE_RANGE[1]
    [first] = parse(samples.seed_shape(date="1949年01月01日", weekday=""))
    assert first.date == datetime.date(1949, 1, 1)
    ahead = datetime.date.today() + datetime.timedelta(days=300)
    [future] = parse(samples.seed_shape(date=f"{ahead:%Y年%m月%d日}", weekday=""))
    assert future.date == ahead


def test_a_citation_date_out_of_range_names_the_citation_line():
    text = samples.seed_shape().replace("《职工天地》(2023年03月05日", "《职工天地》(0023年03月05日", 1)
    with pytest.raises(ParseError) as err:
        parse(text)
    assert err.value.line == 7 and "0023年03月05日" in err.value.reason


def test_a_scan_in_an_issue_folder_with_an_impossible_date_fails_with_the_reason(run_import, tmp_path):
    folder = tmp_path / "in" / "0001-01-01"
    folder.mkdir(parents=True)
    (folder / "A01.png").write_bytes(png_bytes())
    good = tmp_path / "in" / "2023-03-05"
    good.mkdir()
    (good / "A01.png").write_bytes(png_bytes())
    outcome = run_import(tmp_path / "in")
    assert not outcome.ok
    assert "0001-01-01" in outcome.err and "范围" in outcome.err
    assert "imported=1" in outcome.out and "failed=1" in outcome.out
    assert list(Page.objects.values_list("issue__date", "code")) == [(datetime.date(2023, 3, 5), "A01")]


def test_an_unexpected_error_in_one_file_fails_that_file_only_and_the_report_is_written(
    run_import, write_file, tmp_path, monkeypatch, caplog
):
    write_file("in/a.txt", samples.seed_shape())
    write_file("in/b.txt", samples.THIRD)
    write_file("in/c.txt", samples.SECOND)
    save = service.ImportRun._save_article

    def save_article(self, path, parsed):
        row = save(self, path, parsed)  # b.txt's article is written, then the file breaks
        if path.name == "b.txt":
            raise RuntimeError("something nobody foresaw")
        return row

    monkeypatch.setattr(service.ImportRun, "_save_article", save_article)
    with caplog.at_level(logging.ERROR, logger="articles.importing.service"):
        outcome = run_import(tmp_path / "in", "--report", tmp_path / "r.csv")

    assert not outcome.ok
    assert "imported=2" in outcome.out and "failed=1" in outcome.out
    assert "b.txt" in outcome.err and "意外错误" in outcome.err
    # b.txt's transaction was rolled back: its article is not there.
    assert "职工书屋开进工地" not in set(Article.objects.values_list("headline", flat=True))
    assert Article.objects.count() == 2
    rows = _report(tmp_path / "r.csv")
    assert rows["b.txt"]["status"] == "failed" and "RuntimeError" in rows["b.txt"]["message"]
    assert rows["c.txt"]["status"] == "created"
    assert any("b.txt" in r.getMessage() and r.exc_info for r in caplog.records)  # the traceback is logged


def test_an_unexpected_error_while_reading_a_file_fails_that_file_only(run_import, write_file, tmp_path, monkeypatch):
    write_file("in/a.txt", samples.seed_shape())
    write_file("in/b.txt", samples.SECOND)
    real_parse = service.parse

    def parse(text, papers):
        if "暖心包" in text:
            raise OverflowError("date value out of range")
        return real_parse(text, papers)

    monkeypatch.setattr(service, "parse", parse)
    outcome = run_import(tmp_path / "in", "--report", tmp_path / "r.csv")
    assert not outcome.ok and "imported=1" in outcome.out and "failed=1" in outcome.out
    assert _report(tmp_path / "r.csv")["b.txt"]["status"] == "failed"


@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit])
def test_an_interrupt_still_stops_the_run(run_import, write_file, tmp_path, monkeypatch, stop):
    write_file("in/a.txt", samples.seed_shape())

    def interrupted(self, path, parsed):
        raise stop()

    monkeypatch.setattr(service.ImportRun, "_save_article", interrupted)
    with pytest.raises(stop):
        run_import(tmp_path / "in")
    assert not Article.objects.exists()
