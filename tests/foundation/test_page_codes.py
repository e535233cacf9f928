"""A page code is letters and a number; the admin, full_clean and the importer refuse anything else."""

import datetime
import html
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from issues.models import Page, validate_page_code
from tests.admin_forms import inline_management
from tests.factories import make_article, make_issue, make_page, png_bytes
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
        ("a3", "A03"),
        ("A2", "A02"),
        ("第A03版", "A03"),
        ("A034", "A34"),
        ("B2", "B02"),
        ("34", "34"),
        ("1", "01"),
        ("第3版", "03"),
        ("AB12", "AB12"),
        ("A123", "A123"),
        ("4a", "04A"),
        (" a 34 ", "A34"),
        ("Ａ３", "A03"),
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
    assert page.code == "A03"


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


# --- One canonical form everywhere ------------------------------------------------------


def test_a02_and_a2_are_one_page_in_an_issue(admin_client):
    issue = make_issue()
    make_page(issue, "A02")
    response = add_page(admin_client, issue, "A2")
    assert response.status_code == 200 and "本期已有第A02版" in code_errors(response)


@pytest.mark.parametrize("spelling", ["A2", "a2", "A002", "a02"])
def test_other_spellings_of_a_page_redirect_permanently_to_the_canonical_address(client, spelling):
    page = make_page(make_issue(datetime.date(2023, 1, 1)), "A2")
    assert page.code == "A02"
    response = client.get(f"/issues/2023-01-01/{spelling}/")
    assert response.status_code == 301
    assert response["Location"] == "/issues/2023-01-01/A02/"
    assert client.get("/issues/2023-01-01/A02/").status_code == 200


def test_the_redirect_to_the_canonical_page_keeps_the_query_string(client):
    make_page(make_issue(datetime.date(2023, 1, 1)), "A2")
    response = client.get("/issues/2023-01-01/A2/?utm_source=weixin&q=%E5%8A%B3%E6%A8%A1&x=1&x=2")
    assert response.status_code == 301
    assert response["Location"] == "/issues/2023-01-01/A02/?utm_source=weixin&q=%E5%8A%B3%E6%A8%A1&x=1&x=2"
    # A link pasted with its Chinese unencoded keeps its words, encoded as a Location must be.
    response = client.get("/issues/2023-01-01/a2/?q=劳模+工匠")
    assert response.status_code == 301
    assert response["Location"] == "/issues/2023-01-01/A02/?q=%E5%8A%B3%E6%A8%A1+%E5%B7%A5%E5%8C%A0"
    assert client.get(response["Location"]).status_code == 200


def test_the_importer_stores_the_canonical_code_and_cites_it(run_import, write_file):
    outcome = run_import(write_file("a.txt", samples.seed_shape(page="第A4版")))
    assert outcome.ok, outcome.err
    page = Page.objects.get()
    assert page.code == "A04" and page.citation.endswith("第A04版)")


def _migration():
    return importlib.import_module("issues.migrations.0007_canonical_page_codes")


def _store_as_before(page, code, sort_key=None):
    Page.objects.filter(pk=page.pk).update(code=code, **({"sort_key": sort_key} if sort_key else {}))


def test_the_migration_rewrites_codes_and_says_so(capsys):
    issue = make_issue(datetime.date(2023, 1, 1))
    a2, three, a34 = make_page(issue, "A02"), make_page(issue, "03"), make_page(issue, "A34")
    _store_as_before(a2, "A2")
    _store_as_before(three, "3")
    _migration().normalise(django_apps, None)
    assert sorted(Page.objects.values_list("code", flat=True)) == ["03", "A02", "A34"]
    out = capsys.readouterr().out
    assert "A2→A02" in out and "3→03" in out and "A34→" not in out
    a34.refresh_from_db()
    assert a34.code == "A34"


def test_the_migration_merges_two_spellings_of_one_page_onto_one(capsys):
    issue = make_issue(datetime.date(2023, 1, 1))
    canonical = make_page(issue, "A02", name="")
    other = make_page(issue, "A03", name="要闻", image=True)
    _store_as_before(other, "A2", sort_key="A00002-stale")
    first = make_article(canonical, headline="先来的稿件")
    second = make_article(other, headline="后来的稿件")
    _migration().normalise(django_apps, None)
    [page] = Page.objects.all()
    assert page.pk == canonical.pk and page.code == "A02" and page.sort_key == "A00002"
    assert page.name == "要闻" and page.image.name == other.image.name
    assert set(page.articles.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert "第A2版 并入 第A02版（移过 1 篇稿件）" in capsys.readouterr().out


def test_the_migration_refuses_to_merge_two_different_scans_and_changes_nothing():
    issue = make_issue(datetime.date(2023, 1, 1))
    canonical = make_page(issue, "A02", image=True)
    other = make_page(issue, "A03", image=True)
    _store_as_before(other, "A2", sort_key="A00002-stale")
    lonely = make_page(make_issue(datetime.date(2023, 1, 8)), "A05")
    _store_as_before(lonely, "A5")
    with pytest.raises(RuntimeError) as err:
        _migration().normalise(django_apps, None)
    assert "第A02版 与 第A2版" in str(err.value) and "未作任何改动" in str(err.value)
    assert sorted(Page.objects.values_list("code", flat=True)) == ["A02", "A2", "A5"]
    assert canonical.articles.count() == 0


# --- Errors that name the real problem ------------------------------------------------------


@pytest.mark.parametrize(
    "shape, line, says",
    [
        ({"page": "第第3版版"}, 7, "版次“第第3版版”无效"),
        ({"page": "第版"}, 7, "版次“第版”无效"),
        ({"page": ""}, 7, "缺少版次"),
        ({"date": "2023年3月"}, 5, "日期无法识别"),
        ({"weekday": " 星期八"}, 5, "“星期八”不是星期"),
    ],
    ids=["page code doubled", "page code without number", "no page code", "masthead date", "weekday"],
)
def test_a_line_that_almost_parses_is_reported_for_the_part_that_is_wrong(run_import, write_file, shape, line, says):
    outcome = run_import(write_file("bad.txt", samples.seed_shape(**shape)))
    assert not outcome.ok
    assert f"第 {line} 行" in outcome.err and says in outcome.err, outcome.err
    assert "直到文件结尾都没有出处行" not in outcome.err and "缺少报头行" not in outcome.err
    assert not Page.objects.exists()


@pytest.mark.parametrize(
    "citation, says",
    [
        ("《职工天地》(2023年03月05日 第A03版", "缺少右括号"),
        ("《职工天地》（2023年03月05日 第A03版", "缺少右括号"),
        ("《职工天地》2023年03月05日 第A03版)", "缺少左括号"),
        ("《职工天地》2023年03月05日 第A03版", "缺少括号"),
        ("《职工天地》(2023年03月05日 第第3版版", "版次“第第3版版”无效"),
    ],
    ids=["no closing bracket", "no closing full-width bracket", "no opening bracket", "no brackets", "both wrong"],
)
def test_a_citation_missing_a_bracket_is_reported_for_the_bracket(run_import, write_file, citation, says):
    text = samples.seed_shape().replace("《职工天地》(2023年03月05日 第A03版)", citation)
    outcome = run_import(write_file("bad.txt", text))
    assert not outcome.ok
    assert "第 7 行" in outcome.err and says in outcome.err, outcome.err
    assert "直到文件结尾都没有出处行" not in outcome.err
    assert not Page.objects.exists()


def test_a_heading_shaped_like_a_citation_is_still_a_heading(run_import, write_file):
    text = samples.seed_shape(heading="《劳动法》（2018年修正）解读")
    outcome = run_import(write_file("a.txt", text))
    assert outcome.ok, outcome.err
