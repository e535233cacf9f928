"""The editor's upload and image browser: only for those who may change articles, only from the site itself."""

import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.people import PASSWORD, client_for, make_staff

pytestmark = pytest.mark.django_db

UPLOAD = "/ckeditor/upload/"
BROWSE = "/ckeditor/browse/"


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(out, "GIF")
    return out.getvalue()


def post(client, url=UPLOAD, **headers):
    return client.post(url, {"upload": SimpleUploadedFile("a.gif", gif())}, **headers)


@pytest.fixture
def reporter():
    return make_staff("wang_reporter", "记者")


@pytest.fixture
def staff_without_permission():
    return User.objects.create_user("visitor", "v@example.org", PASSWORD, is_staff=True)


def test_a_reporter_uploads_from_the_editor(reporter):
    response = post(client_for(reporter), HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 200 and response.json()["uploaded"] == "1"
    response = post(client_for(reporter), HTTP_ORIGIN="http://testserver")
    assert response.status_code == 200 and response.json()["uploaded"] == "1"


def test_staff_without_the_article_permission_cannot_upload_or_browse(staff_without_permission):
    client = client_for(staff_without_permission)
    response = post(client, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 403
    assert "没有修改稿件的权限" in response.json()["error"]["message"]
    assert client.get(BROWSE).status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
    ],
    ids=["cross-site", "same-site", "foreign origin"],
)
def test_a_cross_site_post_is_refused(reporter, headers):
    response = post(client_for(reporter), **headers)
    assert response.status_code == 403
    assert "不是从本站的编辑器发出的" in response.json()["error"]["message"]


def test_a_post_with_neither_origin_nor_token_is_refused_and_one_with_the_token_accepted(reporter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    assert post(client).status_code == 403
    client.get("/admin/")  # sets the CSRF cookie, as the article form the editor sits in does
    token = client.cookies["csrftoken"].value
    response = post(client, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200 and response.json()["uploaded"] == "1"


def test_the_callback_number_is_never_written_into_a_script(reporter):
    client = client_for(reporter)
    response = client.post(
        UPLOAD + "?CKEditorFuncNum=1);alert(document.domain)//",
        {"upload": SimpleUploadedFile("a.gif", gif())},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response["Content-Type"] == "application/json"
    assert b"<script" not in response.content and b"alert" not in response.content
    assert response.json()["uploaded"] == "1"


def test_django_ckeditors_own_upload_view_is_not_reachable(reporter):
    response = post(client_for(reporter), UPLOAD + "x/", HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 404


def test_the_image_browser_carries_the_csp_and_no_inline_script(reporter):
    post(client_for(reporter), HTTP_SEC_FETCH_SITE="same-origin")
    response = client_for(reporter).get(BROWSE + "?CKEditorFuncNum=1);alert(1)//")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert "alert(1)" not in html
    assert re.search(r'data-src="/media/uploads/\d{4}/\d{2}/\d{2}/[0-9a-f]{32}\.gif"', html)


def test_the_editor_views_send_visitors_to_the_login(client):
    assert post(client).status_code == 302
    assert client.get(BROWSE)["Location"].startswith("/admin/login/")
