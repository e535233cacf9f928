"""A form that comes back with an error says which chosen files were not kept.

A browser cannot fill a file box again. Adding an issue with a date already
taken, two pages each with a scan and a PDF, once came back with only
具有 出版日期 的 期 已存在。 and every file box silently empty; the next save
created the pages without their scans. The same happened to a photo added to
an article saved without its 主标题.
"""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, ArticleImage
from issues.models import Issue, Page
from tests.admin_forms import article_data, inline_management
from tests.factories import make_article, make_issue, make_page, pdf_bytes, png_bytes
from tests.people import client_for

pytestmark = pytest.mark.django_db

WARNING = "以下文件没有保存，请改正错误后重新选择："


def scan(name="scan.png"):
    return SimpleUploadedFile(name, png_bytes(60, 90), content_type="image/png")


def pdf(name="a34.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def issue_data(date="2024-05-01", pages=()):
    data = {
        "date": date,
        "number": "",
        "serial": "",
        "note": "",
        "status": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        **inline_management("pages", total=len(pages)),
    }
    for i, (code, files) in enumerate(pages):
        data.update({f"pages-{i}-code": code, f"pages-{i}-name": "", f"pages-{i}-editor": ""})
        data.update({f"pages-{i}-{field}": upload for field, upload in files.items()})
    return data


def warnings(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


def test_issue_with_a_taken_date_names_every_file_to_choose_again(chief):
    make_issue(datetime.date(2024, 5, 1), published=False)
    data = issue_data(
        pages=[
            ("A01", {"image": scan("a01.png"), "pdf": pdf("a01.pdf")}),
            ("A34", {"image": scan("scan.png"), "pdf": pdf("a34.pdf")}),
        ]
    )
    response = client_for(chief).post(reverse("admin:issues_issue_add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    # The error says which day, as an editor would, and not Django's 具有 出版日期 的 期 已存在。
    assert "2024年05月01日的期已存在。" in html
    assert "具有 出版日期 的 期 已存在" not in html
    assert warnings(response) == [
        WARNING + "第1行版面图 a01.png、第1行版面 PDF a01.pdf、第2行版面图 scan.png、第2行版面 PDF a34.pdf。"
    ]
    # Shown at the top of the form, in the page itself.
    assert html.index(WARNING) < html.index('id="issue_form"')
    assert Issue.objects.count() == 1 and not Page.objects.exists()


def test_issue_saved_without_files_or_errors_warns_of_nothing(chief):
    response = client_for(chief).post(reverse("admin:issues_issue_add"), issue_data(pages=[("A01", {"image": scan()})]))
    assert response.status_code == 302
    assert warnings(response) == []
    assert Page.objects.get().image


def test_an_error_without_uploads_adds_no_file_warning(chief):
    make_issue(datetime.date(2024, 5, 1), published=False)
    response = client_for(chief).post(reverse("admin:issues_issue_add"), issue_data(pages=[("A01", {})]))
    assert response.status_code == 200
    assert "2024年05月01日的期已存在。" in response.content.decode()
    assert warnings(response) == []


def test_a_refused_file_is_left_to_its_own_error_and_the_others_are_named(chief):
    make_issue(datetime.date(2024, 5, 1), published=False)
    broken = SimpleUploadedFile("broken.png", b"\x89PNG\r\n\x1a\n broken", content_type="image/png")
    data = issue_data(pages=[("A01", {"image": broken, "pdf": pdf("a01.pdf")})])
    response = client_for(chief).post(reverse("admin:issues_issue_add"), data)
    html = response.content.decode()
    assert "图片文件已损坏或不完整" in html or "文件不是可接受的图片" in html
    assert warnings(response) == [WARNING + "第1行版面 PDF a01.pdf。"]


def test_a_row_being_deleted_is_not_named(chief):
    issue = make_issue(datetime.date(2024, 5, 1), published=False)
    page = make_page(issue, "A01")
    make_issue(datetime.date(2024, 6, 1), published=False)
    data = issue_data(
        date="2024-06-01", pages=[("A01", {"image": scan("gone.png")}), ("A02", {"image": scan("kept.png")})]
    )
    data.update(inline_management("pages", total=2, initial=1))
    data.update({"pages-0-id": str(page.pk), "pages-0-issue": str(issue.pk), "pages-0-DELETE": "on"})
    response = client_for(chief).post(reverse("admin:issues_issue_change", args=[issue.pk]), data)
    assert response.status_code == 200
    assert "2024年06月01日的期已存在。" in response.content.decode()
    assert warnings(response) == [WARNING + "第2行版面图 kept.png。"]


def test_page_form_names_its_own_scan_and_pdf(chief):
    issue = make_issue(published=False)
    make_page(issue, "A03")
    data = {
        "issue": issue.pk,
        "code": "A3",
        "name": "",
        "editor": "",
        "image": scan(),
        "pdf": pdf(),
        **inline_management("articles"),
    }
    response = client_for(chief).post(reverse("admin:issues_page_add"), data)
    assert response.status_code == 200
    assert "本期已有第A03版" in response.content.decode()
    assert warnings(response) == [WARNING + "版面图 scan.png、版面 PDF a34.pdf。"]


def test_article_without_headline_names_the_photo_added(editor):
    page = make_page(make_issue(published=False))
    data = article_data(page=page, headline="")
    data.update(inline_management("images", total=1))
    data.update(
        {
            "images-0-order": "0",
            "images-0-caption": "职工在书屋读书",
            "images-0-credit": "",
            "images-0-image": scan("photo.png"),
        }
    )
    response = client_for(editor).post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert warnings(response) == [WARNING + "第1行图片 photo.png。"]
    assert not Article.objects.exists() and not ArticleImage.objects.exists()


def test_article_change_with_an_error_names_the_photo_added(editor):
    article = make_article(make_page(make_issue(published=False)), published=False)
    data = article_data(page=article.page, article=article, headline="")
    data.update(inline_management("images", total=1))
    data.update(
        {"images-0-order": "0", "images-0-caption": "", "images-0-credit": "", "images-0-image": scan("photo.png")}
    )
    response = client_for(editor).post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert warnings(response) == [WARNING + "第1行图片 photo.png。"]
    html = response.content.decode()
    assert WARNING in html and "photo.png" in html
