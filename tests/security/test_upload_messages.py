"""A refused upload says why in the project's Chinese, never Django's generic sentence or a library's English."""

import io
import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from issues.models import Page
from tests.factories import pdf_bytes, png_bytes
from tests.people import client_for

from .test_uploads import bomb, errors_of, post_page

pytestmark = pytest.mark.django_db

DJANGO_GENERIC = "上传一个有效的图片"
ENGLISH = re.compile(r"[A-Za-z]{4,}")


def test_a_400_megapixel_png_is_refused_as_too_many_pixels_with_its_size(editor):
    response = post_page(client_for(editor), image=SimpleUploadedFile("scan.png", bomb(20000, 20000)))
    assert response.status_code == 200
    message = errors_of(response, "image")
    assert "图片像素过多（20000×20000）" in message and "50,000,000" in message
    assert DJANGO_GENERIC not in message
    assert not Page.objects.exists()


def test_a_64_megapixel_png_is_refused_with_its_size_too(editor):
    message = errors_of(post_page(client_for(editor), image=SimpleUploadedFile("scan.png", bomb(8000, 8000))), "image")
    assert "图片像素过多（8000×8000）" in message and DJANGO_GENERIC not in message


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"<html><script>alert(1)</script></html>", "只接受 JPEG、PNG、TIFF、WebP 或 GIF"),
        (b"GIF89a" + b"\x00" * 10, "文件不是可接受的图片"),
    ],
    ids=["html named png", "truncated gif"],
)
def test_a_file_that_is_not_an_image_gets_the_projects_reason(editor, content, expected):
    response = post_page(client_for(editor), image=SimpleUploadedFile("scan.png", content))
    message = errors_of(response, "image")
    assert expected in message and DJANGO_GENERIC not in message


def test_a_damaged_image_is_refused_in_chinese_and_pillows_words_are_logged(editor, caplog):
    data = png_bytes(400, 400, fmt="JPEG")
    with caplog.at_level(logging.WARNING, logger="unionpaper.uploads"):
        response = post_page(client_for(editor), image=SimpleUploadedFile("scan.jpg", data[: len(data) // 2]))
    message = errors_of(response, "image")
    assert "图片文件已损坏或不完整" in message
    assert not ENGLISH.search(message), message
    assert any("scan.jpg" in r.getMessage() for r in caplog.records)
    assert not Page.objects.exists()


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.7\nnothing else here", pdf_bytes()[:200], pdf_bytes().replace(b"startxref", b"startxyz")],
    ids=["header only", "cut short", "no startxref"],
)
def test_a_broken_pdf_is_refused_in_chinese_and_pypdfs_words_are_logged(editor, caplog, content):
    with caplog.at_level(logging.WARNING, logger="unionpaper.uploads"):
        response = post_page(
            client_for(editor), pdf=SimpleUploadedFile("版面.pdf", content, content_type="application/pdf")
        )
    assert response.status_code == 200
    message = errors_of(response, "pdf")
    assert "PDF 文件已损坏或不完整" in message
    assert not ENGLISH.search(message.replace("PDF", "")), message
    assert "startxref" not in response.content.decode()
    assert any("版面.pdf" in r.getMessage() for r in caplog.records)  # the detail is for whoever reads the log
    assert not Page.objects.exists()


def test_a_good_scan_and_pdf_still_go_through_and_the_scan_is_inspected_once(editor, monkeypatch):
    from unionpaper import uploads

    inspected = []
    real_inspect = uploads.inspect_image

    def counting_inspect(fileobj):
        inspected.append(fileobj)
        return real_inspect(fileobj)

    monkeypatch.setattr(uploads, "inspect_image", counting_inspect)
    response = post_page(
        client_for(editor),
        image=SimpleUploadedFile("scan.png", png_bytes(300, 450)),
        pdf=SimpleUploadedFile("page.pdf", pdf_bytes()),
    )
    assert response.status_code == 302, errors_of(response, "image") + errors_of(response, "pdf")
    page = Page.objects.get()
    assert page.image_width == 300 and page.thumbnail and page.pdf
    # The form field decodes the scan; the model's validator does not do it again.
    assert len(inspected) == 1


def test_the_scan_message_reaches_the_issue_forms_page_rows_too(editor):
    from django.urls import reverse

    from tests.admin_forms import inline_management

    data = {
        "date": "2024-05-01",
        "number": "",
        "serial": "",
        "note": "",
        "status": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        **inline_management("pages", total=1),
        "pages-0-code": "A01",
        "pages-0-name": "",
        "pages-0-editor": "",
        "pages-0-image": SimpleUploadedFile("scan.png", bomb(20000, 20000)),
    }
    response = client_for(editor).post(reverse("admin:issues_issue_add"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "图片像素过多（20000×20000）" in body and DJANGO_GENERIC not in body


def test_the_png_bomb_helper_is_small_on_disk():
    assert len(bomb(20000, 20000)) < 200_000
    with Image.open(io.BytesIO(png_bytes())) as img:
        assert img.format == "PNG"


def test_an_article_photo_with_too_many_pixels_says_so_in_the_projects_words(reporter):
    from django.urls import reverse

    from articles.models import Article
    from tests.admin_forms import article_data, inline_management
    from tests.factories import make_issue, make_page

    data = article_data(page=make_page(make_issue(published=False)), headline="带图稿件")
    data.update(
        {
            **inline_management("images", total=1),
            "images-0-order": "0",
            "images-0-caption": "说明",
            "images-0-credit": "",
            "images-0-image": SimpleUploadedFile("photo.png", bomb(20000, 20000)),
        }
    )
    response = client_for(reporter).post(reverse("admin:articles_article_add"), data)
    html = response.content.decode()
    assert response.status_code == 200 and not Article.objects.exists()
    assert "图片像素过多（20000×20000）" in html and DJANGO_GENERIC not in html
