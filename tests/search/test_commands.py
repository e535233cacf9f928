"""manage.py search_archive prints one hit per line: citation and headline."""

import pytest
from django.core.management import CommandError, call_command


def run(capsys, *args, **options):
    call_command("search_archive", *args, **options)
    return capsys.readouterr().out.splitlines()


def test_search_archive_prints_citation_and_headline(archive, capsys):
    assert run(capsys, "法律援助") == ["《职工天地》(2023年01月01日 第A34版)\t法律援助进车间"]


def test_search_archive_options(archive, capsys):
    assert len(run(capsys, "工", sort="oldest")) == 4
    assert run(capsys, "工", sort="oldest")[0].endswith("弘扬工匠精神")
    assert run(capsys, "工", start="2023-06-01", end="2023-06-30", sort="newest") == [
        "《职工天地》(2023年06月01日 第A02版)\t职代会审议集体合同",
        "《职工天地》(2023年06月01日 第A02版)\t勞動保障宣傳月",
    ]
    assert run(capsys, "工会", page_code="A34") == ["《职工天地》(2023年01月01日 第A34版)\t法律援助进车间"]
    assert run(capsys, "工会", theme="劳模工匠") == ["《职工天地》(2022年05月01日 第A01版)\t弘扬工匠精神"]
    assert run(capsys, "工会", author="刘 飞") == ["《职工天地》(2022年05月01日 第A01版)\t弘扬工匠精神"]


def test_search_archive_explains_bad_input(archive):
    with pytest.raises(CommandError, match="引号没有配对"):
        call_command("search_archive", '"工会')
    with pytest.raises(CommandError, match="起始日期"):
        call_command("search_archive", "工会", start="2023/01/01")
    with pytest.raises(CommandError, match="请给出检索词"):
        call_command("search_archive", "")
