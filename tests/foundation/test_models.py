"""The data model as editors and readers notice it."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from articles.models import Article, Theme
from articles.themes import parse_themes
from issues.models import Issue, Page, normalize_page_code
from tests.factories import found_by_author, make_article, make_issue, make_page, png_bytes
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db


def test_pages_sort_naturally_so_a2_comes_before_a10():
    issue = make_issue()
    for code in ["A10", "B1", "A2", "A1", "A34"]:
        make_page(issue, code)
    assert [p.code for p in issue.pages.in_order()] == ["A01", "A02", "A10", "A34", "B01"]


@pytest.mark.parametrize("raw, code", [("a03", "A03"), ("第3版", "03"), ("A2", "A02"), (" A34 ", "A34"), ("03", "03")])
def test_page_codes_are_normalised_as_printed(raw, code):
    assert normalize_page_code(raw) == code


def test_a03_and_a3_are_the_same_page_of_an_issue():
    issue = make_issue()
    make_page(issue, "A03")
    with pytest.raises(IntegrityError):
        make_page(issue, "A3")


def test_citation_line_is_derived_from_issue_and_page():
    article = make_article(make_page(make_issue(datetime.date(2023, 1, 1)), "A34"))
    assert article.citation == "《职工天地》(2023年01月01日 第A34版)"


def test_citation_follows_the_paper_name_setting(settings):
    settings.PAPER_NAME = "工人周刊"
    page = make_page(make_issue(datetime.date(2024, 5, 1)), "B2")
    assert page.citation == "《工人周刊》(2024年05月01日 第B02版)"


def test_weekday_is_derived_from_the_date():
    assert make_issue(datetime.date(2023, 1, 1)).weekday == "星期日"
    assert make_issue(datetime.date(2024, 5, 1)).weekday == "星期三"
    assert "weekday" not in [f.name for f in Issue._meta.get_fields()]


def test_spaced_byline_name_is_stored_and_found_without_space():
    article = make_article(byline="文 临江市总工会法律工作部部长 孟 凡")
    article.refresh_from_db()
    assert article.byline == "文 临江市总工会法律工作部部长 孟 凡"
    assert article.byline_role == "文"
    assert article.author_title == "临江市总工会法律工作部部长"
    assert article.authors == ["孟凡"]
    assert found_by_author("孟凡") == [article]
    assert found_by_author("孟 凡") == [article]


def test_byline_with_reporter_and_correspondent_keeps_both_authors():
    article = make_article(byline="本报记者 韩 雪 通讯员 钱立群")
    assert article.byline_role == "本报记者"
    assert article.authors == ["韩雪", "钱立群"]
    assert found_by_author("钱立群") == [article]
    # A name that merely contains another is not the same author.
    assert found_by_author("立群") == []


def test_theme_input_splits_on_chinese_commas():
    assert sorted(parse_themes("法律援助、职工维权，技能竞赛")) == ["技能竞赛", "法律援助", "职工维权"]
    assert sorted(parse_themes("法律援助 劳模工匠")) == ["劳模工匠", "法律援助"]


def test_theme_slugs_stay_readable_chinese():
    article = make_article(themes=["法律援助"])
    assert article.themes.get().slug == "法律援助"
    assert Theme.objects.get(name="法律援助").tagged_articles.count() == 1


def test_body_is_sanitized_before_it_is_stored():
    article = make_article(body='<p onclick="steal()">正文<script>alert(1)</script><a href="javascript:x">链接</a></p>')
    article.refresh_from_db()
    assert "script" not in article.body
    assert "onclick" not in article.body
    assert "javascript" not in article.body
    assert "正文" in article.body


def test_page_scan_gets_a_thumbnail_and_its_size():
    page = make_page(image=True)
    assert list(Page.objects.filter(pk=page.pk).values_list("image_width", "image_height")) == [(600, 900)]
    page.refresh_from_db()
    assert (page.image_width, page.image_height) == (600, 900)
    assert page.thumbnail
    from PIL import Image

    with Image.open(page.thumbnail.path) as thumb:
        assert max(thumb.size) <= 360


def test_uploaded_files_get_generated_names():
    page = make_page(image=True, pdf=True)
    assert "scan" not in page.image.name and page.image.name.endswith(".png")
    assert "page" not in page.pdf.name.rsplit("/", 1)[-1] and page.pdf.name.endswith(".pdf")


def test_article_is_public_only_when_it_and_its_issue_are_published():
    issue = make_issue(published=False)
    article = make_article(make_page(issue))
    assert not Article.objects.published().exists()
    issue.status = Status.PUBLISHED
    issue.save()
    assert list(Article.objects.published()) == [article]
    article.status = Status.DRAFT
    article.save()
    assert not Article.objects.published().exists()


def test_scheduled_issue_appears_when_its_time_comes_without_any_job():
    with time_machine.travel(datetime.datetime(2024, 4, 30, 12, 0, tzinfo=datetime.UTC), tick=False):
        at = timezone.now() + datetime.timedelta(hours=6)
        issue = make_issue(datetime.date(2024, 5, 1), published=True, publish_at=at)
        make_article(make_page(issue))
        assert Issue.objects.latest_published() is None
        assert not Article.objects.published().exists()
    with time_machine.travel(datetime.datetime(2024, 4, 30, 18, 1, tzinfo=datetime.UTC), tick=False):
        assert Issue.objects.latest_published() == issue
        assert Article.objects.published().count() == 1


def test_publishing_without_a_time_publishes_now():
    issue = make_issue(published=False)
    issue.status = Status.PUBLISHED
    issue.save()
    assert issue.publish_at is not None and issue.is_public


def test_page_image_rejects_a_file_that_is_not_an_image():
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = Page(issue=make_issue(), code="A1")
    page.image = SimpleUploadedFile("scan.png", b"not an image at all")
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    assert "image" in exc.value.message_dict


def test_page_image_accepts_a_real_scan():
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = Page(issue=make_issue(), code="A1")
    page.image = SimpleUploadedFile("scan.jpg", png_bytes(fmt="JPEG"))
    page.full_clean()


@pytest.mark.parametrize(
    "byline, title, authors",
    [
        ("文/图 市总工会 张 强 李四", "市总工会", ["张强", "李四"]),
        ("通讯员 市机械厂 赵一鸣", "市机械厂", ["赵一鸣"]),
        ("本报记者 李明院", "", ["李明院"]),
        ("本报记者王晓明", "", ["王晓明"]),
        ("文 临江市总工会副主席 孟 凡", "临江市总工会副主席", ["孟凡"]),
    ],
)
def test_organisation_in_a_byline_is_not_taken_for_an_author(byline, title, authors):
    article = make_article(byline=byline)
    assert (article.author_title, article.authors) == (title, authors)
