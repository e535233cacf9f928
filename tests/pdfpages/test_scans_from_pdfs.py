"""Page PDFs in the product: the whole-issue upload, folder imports and restores render the scans."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from issues.models import Issue, Page
from issues.renditions import page_renditions
from tests.factories import make_issue, make_page, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue():
    return make_issue(datetime.date(2024, 3, 1), published=False)


def upload_url(issue):
    return reverse("admin:issues_issue_upload_pages", args=[issue.pk])


def _named(name, data):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_a_whole_issue_upload_creates_the_pages_with_rendered_scans_and_renditions(admin_client, issue, generated):
    first, _ = generated("classic", "cff", 0)
    second, _ = generated("classic", "truetype", 1)
    files = [
        _named("A01.pdf", first),
        _named("A02-要闻.pdf", second),
        _named("03.pdf", pdf_bytes("third")),
        _named("A04.pdf", b"%PDF-1.4\nthis is not a PDF at all"),
        _named("说明.pdf", pdf_bytes("notes")),
    ]
    response = admin_client.post(upload_url(issue), {"files": files})
    assert response.status_code == 200
    html = response.content.decode()
    assert "完成：导入 3 个，拒绝 2 个" in html
    # Each refused file is named, with why.
    assert "<strong>A04.pdf</strong>：拒绝" in html
    assert "<strong>说明.pdf</strong>：拒绝" in html and "文件名应以版次开头" in html
    pages = {p.code: p for p in Page.objects.filter(issue=issue)}
    assert sorted(pages) == ["03", "A01", "A02"]
    assert pages["A02"].name == "要闻"
    for page in pages.values():
        assert page.scan_from_pdf and page.image and page.thumbnail
        assert page.image.name.endswith(".jpg")
        assert page_renditions(page)["jpg"], page.code
    # About 200 dpi: an A-size page is some thousands of pixels across.
    assert pages["A01"].image_width > 1000


def test_one_zip_with_all_pages_goes_in_and_each_file_is_answered_as_json(admin_client, issue, generated):
    pdf, _ = generated("classic", "cff", 0)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("第1期/A01.pdf", pdf)
        z.writestr("第1期/A02.pdf", b"not a pdf")
        z.writestr("第1期/readme.txt", "skipped")
    response = admin_client.post(
        upload_url(issue), {"files": [_named("issue.zip", packed.getvalue())]}, headers={"Accept": "application/json"}
    )
    results = json.loads(response.content)["results"]
    assert [(r["file"], r["status"]) for r in results] == [("第1期/A01.pdf", "新建"), ("第1期/A02.pdf", "拒绝")]
    assert Page.objects.get(issue=issue, code="A01").scan_from_pdf


def test_a_zip_bomb_is_refused_without_inflating_it(admin_client, issue):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("A01.pdf", b"%PDF-1.4\n" + b"0" * (70 * 1024 * 1024))
    response = admin_client.post(
        upload_url(issue), {"files": [_named("bomb.zip", packed.getvalue())]}, headers={"Accept": "application/json"}
    )
    [result] = json.loads(response.content)["results"]
    assert result["status"] == "拒绝" and "上限" in result["message"]
    assert not Page.objects.filter(issue=issue).exists()


def test_an_uploaded_scan_wins_over_a_new_pdf(admin_client, issue):
    page = make_page(issue, "A01", image=True)
    scan = page.image.name
    admin_client.post(upload_url(issue), {"files": [_named("A01.pdf", pdf_bytes("new"))]})
    page.refresh_from_db()
    assert page.pdf and page.image.name == scan and not page.scan_from_pdf


def test_a_new_pdf_renders_a_rendered_scan_again(issue):
    page = make_page(issue, "A01", pdf=True)
    first = page.image.name
    assert page.scan_from_pdf and first
    from django.core.files.base import ContentFile

    page.pdf = ContentFile(pdf_bytes("second version"), name="A01.pdf")
    page.save()
    assert page.image.name != first and page.scan_from_pdf


def test_only_editors_with_page_rights_may_upload(client, issue):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("guest", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(upload_url(issue)).status_code == 403


def test_the_issue_form_links_to_the_upload(admin_client, issue):
    html = admin_client.get(reverse("admin:issues_issue_change", args=[issue.pk])).content.decode()
    assert f'href="{upload_url(issue)}">上传整期版面</a>' in html


def test_a_folder_import_with_only_a_pdf_gives_the_page_a_rendered_scan(tmp_path, generated):
    folder = tmp_path / "2023-03-05"
    folder.mkdir()
    (folder / "A01.pdf").write_bytes(generated("classic", "truetype", 0)[0])
    call_command("import_articles", str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())
    page = Page.objects.get(issue__date=datetime.date(2023, 3, 5), code="A01")
    assert page.scan_from_pdf and page.image and page.thumbnail and page_renditions(page)["jpg"]


def test_a_restored_page_with_a_pdf_and_no_scan_gets_its_scan(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "before")
    page = make_page(make_issue(datetime.date(2023, 1, 1)), "A01", pdf=True)
    # An archive from before scans were rendered: the page has its PDF only.
    Page.objects.filter(pk=page.pk).update(image="", thumbnail="", image_width=None, image_height=None)
    page.image.storage.delete(page.image.name)
    page.thumbnail.storage.delete(page.thumbnail.name)
    call_command("export_archive", str(tmp_path / "a"), stdout=io.StringIO())
    Page.objects.all().delete()
    Issue.objects.all().delete()
    settings.MEDIA_ROOT = str(tmp_path / "after")
    call_command("import_archive", str(tmp_path / "a"), stdout=io.StringIO())
    restored = Page.objects.get()
    assert restored.scan_from_pdf and restored.image and restored.image.storage.exists(restored.image.name)
