"""Every kind of upload, through the admin forms and CKEditor's uploader."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article, ArticleImage
from issues.models import Issue, Page
from tests.admin_forms import article_data, inline_management
from tests.factories import make_issue, make_page, pdf_bytes, png_bytes
from tests.people import client_for

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"^pages/\d{4}/\d{2}/[0-9a-f]{32}\.(\w+)$")


def image_bytes(fmt, size=(60, 90), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 200 if mode == "L" else (200, 180, 160)).save(out, fmt)
    return out.getvalue()


def bomb(width, height) -> bytes:
    """A tiny PNG that would take width × height pixels of memory to decode."""
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG", optimize=True)
    return out.getvalue()


def js_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=300)
    writer.add_js("app.alert('x');")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def post_page(client, *, image=None, pdf=None):
    issue = make_issue(published=False)
    data = {"issue": issue.pk, "code": "A05", "name": "法治", "editor": "", **inline_management("articles")}
    if image is not None:
        data["image"] = image
    if pdf is not None:
        data["pdf"] = pdf
    return client.post(reverse("admin:issues_page_add"), data)


def errors_of(response, field):
    return " ".join(response.context["adminform"].form.errors.get(field, []))


@pytest.mark.parametrize(
    "fmt,ext", [("JPEG", "jpg"), ("PNG", "png"), ("TIFF", "tif"), ("WEBP", "webp"), ("GIF", "gif")]
)
def test_each_allowed_image_type_is_stored_under_a_generated_name_with_its_real_extension(editor, fmt, ext):
    upload = SimpleUploadedFile(f"扫描 件.{ext}", image_bytes(fmt), content_type="image/x-anything")
    response = post_page(client_for(editor), image=upload)
    assert response.status_code == 302, errors_of(response, "image")
    page = Page.objects.get()
    assert GENERATED.match(page.image.name).group(1) == ext
    assert page.image_width == 60


def test_an_image_that_lies_about_its_extension_is_stored_under_its_real_one(editor):
    upload = SimpleUploadedFile("../../../etc/cron.d/job.jpg", image_bytes("PNG"), content_type="image/jpeg")
    assert post_page(client_for(editor), image=upload).status_code == 302
    name = Page.objects.get().image.name
    assert GENERATED.match(name).group(1) == "png"
    assert ".." not in name and "cron" not in name


@pytest.mark.parametrize(
    "filename,content",
    [
        ("scan.jpg", b"<html><script>alert(1)</script></html>"),
        ("scan.png", b"%PDF-1.4\n%fake"),
        ("scan.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("scan.gif", b"GIF89a" + b"\x00" * 10),
        ("scan.jpg", b""),
    ],
    ids=["html named jpg", "pdf named png", "svg", "truncated gif", "empty"],
)
def test_a_file_that_is_not_an_image_is_refused_with_a_message(editor, filename, content):
    response = post_page(client_for(editor), image=SimpleUploadedFile(filename, content, content_type="image/jpeg"))
    assert response.status_code == 200
    assert errors_of(response, "image")
    assert not Page.objects.exists()


def test_a_real_image_of_a_type_not_on_the_list_is_refused(editor):
    response = post_page(client_for(editor), image=SimpleUploadedFile("scan.bmp", image_bytes("BMP")))
    assert "JPEG、PNG、TIFF、WebP 或 GIF" in errors_of(response, "image")
    assert not Page.objects.exists()


def test_a_truncated_jpeg_is_refused(editor):
    data = image_bytes("JPEG", size=(400, 400))
    response = post_page(client_for(editor), image=SimpleUploadedFile("scan.jpg", data[: len(data) // 2]))
    assert errors_of(response, "image")
    assert not Page.objects.exists()


HTML_TAIL = b"<html><body><script>alert(document.domain)</script></body></html>"


@pytest.mark.parametrize("fmt", ["GIF", "PNG", "JPEG", "WEBP", "TIFF"])
def test_an_image_followed_by_html_is_refused(editor, fmt):
    data = image_bytes(fmt) + HTML_TAIL
    response = post_page(client_for(editor), image=SimpleUploadedFile("scan.gif", data))
    assert response.status_code == 200
    assert f"附有 {len(HTML_TAIL)} 字节的其他内容" in errors_of(response, "image")
    assert not Page.objects.exists()


def test_an_animated_gif_and_zero_padding_are_accepted(editor):
    frames = [Image.new("RGB", (40, 40), (i * 40, 0, 0)) for i in range(4)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], comment=b"<b>not a tail</b>")
    data = out.getvalue() + b"\x00" * 16
    assert post_page(client_for(editor), image=SimpleUploadedFile("a.gif", data)).status_code == 302


@pytest.mark.parametrize(
    "options",
    [
        {"compression": "tiff_lzw"},
        {"compression": "jpeg"},
        {"compression": "tiff_adobe_deflate", "dpi": (300, 300), "description": "<b>扫描</b>"},
        {"save_all": True, "append_images": [Image.new("L", (30, 50)), Image.new("RGB", (20, 20))]},
    ],
    ids=["LZW", "JPEG", "deflate with tags", "three pages"],
)
def test_tiff_scans_as_writers_make_them_are_accepted_and_html_after_them_refused(editor, options):
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 180, 160)).save(out, "TIFF", **options)
    scan = out.getvalue()
    client = client_for(editor)
    response = post_page(client, image=SimpleUploadedFile("scan.tif", scan + HTML_TAIL))
    assert "字节的其他内容" in errors_of(response, "image")  # the tail, with any padding before it
    Issue.objects.all().delete()  # the refused form's issue, so the next post can make its own
    assert post_page(client, image=SimpleUploadedFile("scan.tif", scan + b"\x00" * 8)).status_code == 302
    assert Page.objects.get().image.name.endswith(".tif")


def test_the_editor_refuses_a_gif_followed_by_html(reporter):
    response = ck_upload(client_for(reporter), "a.gif", image_bytes("GIF") + HTML_TAIL)
    assert response.json()["uploaded"] == 0
    assert "其他内容" in response.json()["error"]["message"]


@pytest.mark.parametrize("side", [8000, 20000], ids=["64 megapixels", "400 megapixels"])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(editor, side):
    data = bomb(side, side)
    assert len(data) < 200_000  # small on disk, huge in memory
    response = post_page(client_for(editor), image=SimpleUploadedFile("scan.png", data))
    assert response.status_code == 200
    assert errors_of(response, "image")
    assert not Page.objects.exists()


def test_a_64_megapixel_bomb_is_named_for_what_it_is(editor):
    response = post_page(client_for(editor), image=SimpleUploadedFile("scan.png", bomb(8000, 8000)))
    assert "像素过多" in errors_of(response, "image")


def test_a_real_pdf_is_stored_under_a_generated_name(editor):
    response = post_page(client_for(editor), pdf=SimpleUploadedFile("A05 版.pdf", pdf_bytes()))
    assert response.status_code == 302
    assert re.match(r"^pages/pdf/\d{4}/\d{2}/[0-9a-f]{32}\.pdf$", Page.objects.get().pdf.name)


@pytest.mark.parametrize(
    "content,message",
    [
        (b"<html><script>alert(1)</script></html>", "缺少 %PDF- 文件头"),
        (png_bytes(), "缺少 %PDF- 文件头"),
        (b"%PDF-1.7\nnothing else here", "已损坏"),
        (js_pdf(), "脚本"),
    ],
    ids=["html named pdf", "image named pdf", "header only", "pdf with javascript"],
)
def test_a_file_that_is_not_a_plain_pdf_is_refused(editor, content, message):
    response = post_page(
        client_for(editor), pdf=SimpleUploadedFile("page.pdf", content, content_type="application/pdf")
    )
    assert response.status_code == 200
    assert message in errors_of(response, "pdf")
    assert not Page.objects.exists()


def test_an_oversized_pdf_is_refused(editor, monkeypatch):
    monkeypatch.setattr("unionpaper.uploads.MAX_PDF_BYTES", 1024)
    response = post_page(client_for(editor), pdf=SimpleUploadedFile("page.pdf", pdf_bytes() + b"\n" * 2048))
    assert "过大" in errors_of(response, "pdf")
    assert not Page.objects.exists()


def test_an_oversized_image_is_refused(editor, monkeypatch):
    monkeypatch.setattr("unionpaper.uploads.MAX_IMAGE_BYTES", 1024)
    response = post_page(client_for(editor), image=SimpleUploadedFile("scan.png", image_bytes("PNG", size=(600, 600))))
    assert "过大" in errors_of(response, "image")


def test_an_article_photo_that_lies_about_its_type_is_refused(reporter):
    page = make_page(make_issue(published=False))
    data = article_data(page=page, headline="带图稿件")
    data.update(
        {
            **inline_management("images", total=1),
            "images-0-order": "0",
            "images-0-caption": "说明",
            "images-0-credit": "",
            "images-0-image": SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg"),
        }
    )
    response = client_for(reporter).post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert not Article.objects.exists() and not ArticleImage.objects.exists()


def test_an_article_photo_is_stored_under_a_generated_name(reporter):
    page = make_page(make_issue(published=False))
    data = article_data(page=page, headline="带图稿件")
    data.update(
        {
            **inline_management("images", total=1),
            "images-0-order": "0",
            "images-0-caption": "说明",
            "images-0-credit": "",
            "images-0-image": SimpleUploadedFile("<b>photo</b>.webp", image_bytes("JPEG")),
        }
    )
    assert client_for(reporter).post(reverse("admin:articles_article_add"), data).status_code == 302
    assert re.match(r"^photos/\d{4}/\d{2}/[0-9a-f]{32}\.jpg$", ArticleImage.objects.get().image.name)


# --- CKEditor's uploader ------------------------------------------------------------

CKEDITOR_UPLOAD = "/ckeditor/upload/"


def ck_upload(client, name, content):
    # As the editor's XHR in a browser: same-origin, said by the browser itself.
    upload = SimpleUploadedFile(name, content)
    return client.post(CKEDITOR_UPLOAD, {"upload": upload}, HTTP_SEC_FETCH_SITE="same-origin")


def test_ckeditor_upload_stores_an_image_under_a_random_name_with_its_real_extension(reporter, settings):
    response = ck_upload(client_for(reporter), "../../名字 <x>.html", image_bytes("GIF"))
    assert response.status_code == 200
    data = response.json()
    assert data["uploaded"] == "1"
    assert re.match(r"^/media/uploads/\d{4}/\d{2}/\d{2}/[0-9a-f]{32}\.gif$", data["url"]), data["url"]


@pytest.mark.parametrize(
    "name,content",
    [
        ("evil.html", b"<html><script>alert(1)</script></html>"),
        ("evil.jpg", b"<html><script>alert(1)</script></html>"),
        ("evil.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("bomb.png", None),
        ("pic.bmp", None),
    ],
    ids=["html", "html named jpg", "svg", "decompression bomb", "bmp"],
)
def test_ckeditor_upload_refuses_what_is_not_an_allowed_image(reporter, settings, name, content):
    from django.core.files.storage import default_storage

    if name == "bomb.png":
        content = bomb(20000, 20000)
    elif name == "pic.bmp":
        content = image_bytes("BMP")
    response = ck_upload(client_for(reporter), name, content)
    # The JSON CKEditor reads over XHR, with the reason in Chinese: it shows error.message to the editor.
    assert response.status_code == 200
    data = response.json()
    assert data["uploaded"] == 0
    assert ("文件不是可接受的图片" in data["error"]["message"]) or ("图片像素过多" in data["error"]["message"])
    assert not default_storage.exists("uploads")


def test_ckeditor_upload_without_a_file_says_so(reporter):
    response = client_for(reporter).post(CKEDITOR_UPLOAD, {}, HTTP_ORIGIN="http://testserver")
    assert response.json() == {"uploaded": 0, "error": {"message": "没有收到文件：请选择要上传的图片。"}}


def test_ckeditor_upload_is_for_staff_only(client, db):
    response = ck_upload(client, "a.png", image_bytes("PNG"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
