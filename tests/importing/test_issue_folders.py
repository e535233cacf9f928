"""Whole issues: ``<YYYY-MM-DD>/`` folders with page scans, page PDFs and article text."""

import datetime
import hashlib

import pytest

from articles.models import Article
from issues.models import Issue, Page
from tests.factories import pdf_bytes, png_bytes

from . import samples

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 3, 5)


def _sha(fieldfile) -> str:
    with fieldfile.open("rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


@pytest.fixture
def issue_folder(tmp_path, write_file):
    folder = tmp_path / "2023-03-05"
    folder.mkdir()
    (folder / "A03.png").write_bytes(png_bytes(300, 450, (230, 230, 220)))
    (folder / "A03.pdf").write_bytes(pdf_bytes("A03"))
    (folder / "A04.jpg").write_bytes(png_bytes(300, 450, (200, 210, 220), fmt="JPEG"))
    (folder / "A06.tif").write_bytes(png_bytes(300, 450, (250, 250, 250), fmt="TIFF"))
    write_file("2023-03-05/a03-1.txt", samples.seed_shape())
    write_file("2023-03-05/a04-1.txt", samples.SECOND)
    write_file("2023-03-05/a05-1.txt", samples.THIRD)
    return folder


def test_issue_folder_gives_pages_their_scans_pdfs_and_thumbnails(run_import, issue_folder):
    outcome = run_import(issue_folder.parent)
    assert outcome.ok, outcome.err
    issue = Issue.objects.get()
    assert issue.date == DAY
    pages = {p.code: p for p in Page.objects.all()}
    assert sorted(pages) == ["05", "A03", "A04", "A06"]
    a03 = pages["A03"]
    assert a03.image and a03.thumbnail and a03.pdf
    assert _sha(a03.image) == hashlib.sha256((issue_folder / "A03.png").read_bytes()).hexdigest()
    assert _sha(a03.pdf) == hashlib.sha256((issue_folder / "A03.pdf").read_bytes()).hexdigest()
    assert (a03.image_width, a03.image_height) == (300, 450)
    assert pages["A04"].image.name.endswith(".jpg") and pages["A06"].image.name.endswith(".tif")
    assert pages["A04"].thumbnail and not pages["A04"].pdf
    # A scan without articles still makes its page; an article whose page has no scan still imports.
    assert not pages["A06"].articles.exists()
    assert not pages["05"].image and pages["05"].articles.count() == 1
    assert Article.objects.count() == 3


def test_second_run_over_an_issue_folder_changes_nothing(run_import, issue_folder):
    run_import(issue_folder.parent)
    names = sorted(Page.objects.values_list("image", "pdf", "thumbnail"))
    again = run_import(issue_folder.parent)
    assert "imported=0" in again.out and "updated=0" in again.out and "unchanged=7" in again.out
    assert sorted(Page.objects.values_list("image", "pdf", "thumbnail")) == names


def test_replaced_scan_updates_its_page(run_import, issue_folder):
    run_import(issue_folder.parent)
    old = Page.objects.get(code="A03").image.name
    (issue_folder / "A03.png").write_bytes(png_bytes(320, 480, (10, 20, 30)))
    outcome = run_import(issue_folder)
    assert "updated=1" in outcome.out
    page = Page.objects.get(code="A03")
    assert page.image.name != old and (page.image_width, page.image_height) == (320, 480)


def test_page_code_forms_meet_on_one_page(run_import, tmp_path, write_file):
    folder = tmp_path / "2023-03-05"
    folder.mkdir()
    (folder / "3.png").write_bytes(png_bytes())
    write_file("2023-03-05/x.txt", samples.seed_shape(page="第3版"))
    write_file("2023-03-05/y.txt", samples.seed_shape(page="03", heading="另一篇稿件"))
    assert run_import(folder).ok
    page = Page.objects.get()
    assert page.image and page.articles.count() == 2


def test_broken_scan_fails_naming_the_file_and_adds_no_page(run_import, tmp_path):
    folder = tmp_path / "2023-03-05"
    folder.mkdir()
    (folder / "A01.jpg").write_bytes(b"not really a jpeg")
    outcome = run_import(folder)
    assert not outcome.ok and "A01.jpg" in outcome.err and "图片" in outcome.err
    assert Issue.objects.count() == 0 and Page.objects.count() == 0


def test_two_scans_for_one_page_are_refused(run_import, tmp_path):
    folder = tmp_path / "2023-03-05"
    folder.mkdir()
    (folder / "A01.jpg").write_bytes(png_bytes(fmt="JPEG"))
    (folder / "A01.png").write_bytes(png_bytes())
    outcome = run_import(folder)
    assert not outcome.ok and "A01.png" in outcome.err and "A01.jpg" in outcome.err


def test_scan_outside_an_issue_folder_is_skipped_with_a_reason(run_import, tmp_path):
    (tmp_path / "photo.png").write_bytes(png_bytes())
    outcome = run_import(tmp_path, "-v", "1")
    assert outcome.ok
    assert "skipped=1" in outcome.out and "期文件夹" in outcome.out
    assert Page.objects.count() == 0


def test_article_in_the_wrong_date_folder_follows_its_masthead_and_says_so(run_import, write_file, tmp_path):
    write_file("2023-03-06/a.txt", samples.seed_shape())
    outcome = run_import(tmp_path, "--report", tmp_path / "r.csv")
    assert outcome.ok
    assert Article.objects.get().page.issue.date == DAY
    assert "报头日期" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
