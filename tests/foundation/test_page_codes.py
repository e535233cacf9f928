"""A page code is letters and a number; the admin, full_clean and the importer refuse anything else."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from issues.models import Page, validate_page_code
from tests.admin_forms import inline_management
from tests.factories import make_issue, make_page, png_bytes
from tests.importing import samples

pytestmark = pytest.mark.django_db

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def add_page(client, issue, code):
    data = {"issue": issue.pk, "code": code, "name": "", "editor": "", **inline_management("articles")}
    return client.post(reverse("admin:issues_page_add"), data)


def code_errors(response) -> str:
    return " ".join(response.context["adminform"].form.errors.get("code", []))


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("A01", "A01"),
        ("a3", "A3"),
        ("第A03版", "A03"),
        ("B2", "B2"),
        ("34", "34"),
        ("1", "1"),
        ("AB12", "AB12"),
        ("4a", "4A"),
        (" a 34 ", "A34"),
        ("Ａ０３", "A03"),
    ],
)
def test_the_admin_accepts_a_page_code_as_printed_and_stores_it_normalised(admin_client, typed, stored):
    issue = make_issue()
    response = add_page(admin_client, issue, typed)
    assert response.status_code == 302, code_errors(response)
    assert list(issue.pages.values_list("code", flat=True)) == [stored]


@pytest.mark.parametrize("typed", ["<b>", "A", "第版", "A-1", "A01/..", "甲1", "A 0 1 B C", "ABCD1", "A12345"])
def test_the_admin_refuses_a_page_code_that_is_not_letters_and_a_number_and_shows_it(admin_client, typed):
    issue = make_issue()
    response = add_page(admin_client, issue, typed)
    assert response.status_code == 200
    message = code_errors(response)
    assert f"版次“{typed}”无效" in message and "A01" in message
    assert not Page.objects.exists()
    # Shown as text on the page, never as markup.
    body = response.content.decode()
    assert html.escape(f"版次“{typed}”", quote=False) in body or html.escape(f"版次“{typed}”") in body
    assert "<b>”" not in body


def test_a_26_letter_code_is_refused_whole_not_cut_to_12(admin_client):
    issue = make_issue()
    typed = ALPHABET + "1"
    response = add_page(admin_client, issue, typed)
    assert response.status_code == 200
    message = code_errors(response)
    assert f"版次“{typed}”过长（27 个字符）" in message
    assert not Page.objects.exists()


def test_the_code_input_does_not_let_the_browser_cut_what_is_pasted(admin_client):
    response = admin_client.get(reverse("admin:issues_page_add"))
    field = response.context["adminform"].form.fields["code"]
    assert "maxlength" not in field.widget.attrs
    assert 'name="code"' in response.content.decode()


def test_a_bad_code_in_the_issue_forms_page_rows_is_refused(admin_client):
    data = {
        "date": "2024-05-01",
        "number": "",
        "serial": "",
        "note": "",
        "status": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        **inline_management("pages", total=2),
        "pages-0-code": "A01",
        "pages-0-name": "要闻",
        "pages-0-editor": "",
        "pages-1-code": "<b>",
        "pages-1-name": "",
        "pages-1-editor": "",
    }
    response = admin_client.post(reverse("admin:issues_issue_add"), data)
    assert response.status_code == 200
    assert html.escape("版次“<b>”无效", quote=False) in response.content.decode()
    assert not Page.objects.exists()


def test_an_existing_page_keeps_working_and_its_code_can_be_corrected(admin_client):
    page = make_page(code="A34")
    data = {"issue": page.issue.pk, "code": "<b>", "name": page.name, "editor": "", **inline_management("articles")}
    response = admin_client.post(reverse("admin:issues_page_change", args=[page.pk]), data)
    assert response.status_code == 200 and "无效" in code_errors(response)
    page.refresh_from_db()
    assert page.code == "A34"
    data["code"] = "a35"
    assert admin_client.post(reverse("admin:issues_page_change", args=[page.pk]), data).status_code == 302
    page.refresh_from_db()
    assert page.code == "A35" and page.get_absolute_url().endswith("/A35/")


def test_full_clean_refuses_a_bad_code_and_keeps_a_good_one():
    issue = make_issue()
    with pytest.raises(ValidationError) as err:
        Page(issue=issue, code="<B>").full_clean()
    assert "版次“<B>”无效" in " ".join(err.value.message_dict["code"])
    with pytest.raises(ValidationError) as err:
        Page(issue=issue, code=ALPHABET).full_clean()
    assert len(err.value.message_dict["code"]) == 1  # one message, not also Django's length one
    page = Page(issue=issue, code="第a3版")
    page.full_clean()
    assert page.code == "A3"


def test_the_validator_on_its_own():
    for good in ["A01", "a3", "第3版", "03", "AB12", "ABC1234D"]:
        validate_page_code(good)
    for bad in ["", "<B>", "A%(x)s1", "ABCD1234", "1.5"]:
        with pytest.raises(ValidationError) as err:
            validate_page_code(bad)
        assert bad in err.value.messages[0]


def test_the_importer_refuses_an_overlong_code_in_a_citation_and_imports_the_rest(run_import, write_file):
    long_code = ALPHABET + "1"
    bad = write_file("bad.txt", samples.seed_shape(page=f"第{long_code}版"))
    good = write_file("good.txt", samples.SECOND)
    outcome = run_import(bad, good)
    assert not outcome.ok
    assert "imported=1" in outcome.out and "failed=1" in outcome.out
    assert "bad.txt" in outcome.err and "第 5 行" in outcome.err and f"版次“{long_code}”过长" in outcome.err
    assert list(Page.objects.values_list("code", flat=True)) == ["A04"]


def test_the_importer_refuses_a_scan_named_with_an_overlong_code(run_import, tmp_path):
    folder = tmp_path / "2023-03-05"
    folder.mkdir()
    (folder / "ABCDEFGH1.png").write_bytes(png_bytes())
    (folder / "A02.png").write_bytes(png_bytes())
    outcome = run_import(folder)
    assert not outcome.ok and "ABCDEFGH1.png" in outcome.err and "过长" in outcome.err
    assert list(Page.objects.values_list("issue__date", "code")) == [(datetime.date(2023, 3, 5), "A02")]
