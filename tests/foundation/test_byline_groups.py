"""A printed byline splits into groups: each role with the titles and names printed after it."""

import pytest

from articles.bylines import normalize_name, parse_byline

GROUPS = [
    # Titles (with 、 between them, or an organisation) stay apart from the name.
    ("文 市总工会副主席、市职工技协会长 张 建 国", [("文", ["市总工会副主席、市职工技协会长"], ["张建国"])]),
    ("文 市总工会、市教育局 王强", [("文", ["市总工会、市教育局"], ["王强"])]),
    ("通讯员 区工会 王强", [("通讯员", ["区工会"], ["王强"])]),
    ("通讯员 市机械厂 赵一鸣", [("通讯员", ["市机械厂"], ["赵一鸣"])]),
    # Names of four and five characters are names, not titles.
    ("本报记者 司马相如", [("本报记者", [], ["司马相如"])]),
    ("本报通讯员 阿依·古丽", [("本报通讯员", [], ["阿依·古丽"])]),
    # Each role keeps the names printed after it.
    ("本报记者 刘 飞 通讯员 李 强", [("本报记者", [], ["刘飞"]), ("通讯员", [], ["李强"])]),
    ("本报记者 王 晓明 文 李刚", [("本报记者", [], ["王晓明"]), ("文", [], ["李刚"])]),
    ("摄影 王强 文 李刚", [("摄影", [], ["王强"]), ("文", [], ["李刚"])]),
    ("文 刘 飞 图 李 强", [("文", [], ["刘飞"]), ("图", [], ["李强"])]),
    ("文 王 刚 李 强", [("文", [], ["王刚", "李强"])]),
    ("图 王 刚", [("图", [], ["王刚"])]),
    ("摄 张 伟", [("摄", [], ["张伟"])]),
    # 文 begins a name when the character after it has nothing else to join.
    ("文 娟", [("", [], ["文娟"])]),
    ("文 娟 摄影 李强", [("", [], ["文娟"]), ("摄影", [], ["李强"])]),
    ("实习生 文 娟 李强", [("实习生", [], ["文娟", "李强"])]),
    ("本报记者 欧阳 文", [("本报记者", [], ["欧阳文"])]),
    # A compound surname spelt apart is still one person.
    ("欧 阳 晓 明", [("", [], ["欧阳晓明"])]),
    # A list with a space after 、, as scraped pages often have.
    ("本报记者 王晓明、 李强", [("本报记者", [], ["王晓明", "李强"])]),
    ("文 王 强、李 刚", [("文", [], ["王强", "李刚"])]),
    # Full-width slash, as typed on a Chinese keyboard.
    ("文／图 张三", [("文/图", [], ["张三"])]),
]


@pytest.mark.parametrize(("byline", "groups"), GROUPS)
def test_a_byline_splits_into_roles_titles_and_names(byline, groups):
    parsed = parse_byline(byline)
    assert [(g.role, g.titles, g.names) for g in parsed.groups] == groups


@pytest.mark.parametrize("byline", ["", None, "   "])
def test_an_article_without_a_byline_has_no_author(byline):
    parsed = parse_byline(byline)
    assert parsed.groups == [] and parsed.names == [] and parsed.role == "" and parsed.title == ""


@pytest.mark.parametrize(
    ("name", "stored"),
    [(" 王 晓明 ", "王晓明"), ("王\u3000晓明", "王晓明"), ("ＷＡＮＧ Ｘ", "WANGX"), ("", ""), (None, "")],
)
def test_a_name_is_stored_without_spaces_and_in_half_width(name, stored):
    assert normalize_name(name) == stored
