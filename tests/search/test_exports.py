"""The whole result set as CSV, JSON and RIS; one article's citation as RIS."""

import csv
import io
import json

from articles.citations import gbt7714, ris_record
from tests.factories import make_article


def test_csv_export_holds_every_result(client, archive):
    response = client.get("/search/", {"q": "工会", "sort": "oldest", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["headline"] for r in rows] == ["弘扬工匠精神", "法律援助进车间"]
    assert rows[1]["citation"] == "《职工天地》(2023年01月01日 第A34版)"
    assert rows[1]["url"] == f"http://testserver/articles/{archive['legal'].pk}/"
    assert rows[1]["date"] == "2023-01-01" and rows[1]["page"] == "A34"
    assert rows[1]["authors"] == "王晓明" and rows[1]["themes"] == "法律援助"
    assert rows[0]["authors"] == "刘飞"


def test_json_export(client, archive):
    response = client.get("/search/", {"q": "援助", "format": "json", "sort": "newest"})
    data = json.loads(response.content)
    assert data["query"] == "援助" and data["count"] == 2
    assert [r["headline"] for r in data["results"]] == ["职代会审议集体合同", "法律援助进车间"]
    assert data["results"][1]["authors"] == ["王晓明"]
    assert data["results"][1]["themes"] == ["法律援助"]


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
