"""Every article in which the query is printed is found, and only those."""

import pytest

from articles.search import results
from tests.factories import make_article, make_page


def found(q, **params):
    search = results.run({"q": q, **params}, per_page=100)
    assert not search.errors, search.errors
    return {hit.article.headline for hit in search.hits}


def test_two_character_run_inside_a_word_is_found(archive):
    assert found("援助") == {"法律援助进车间", "职代会审议集体合同"}


def test_four_character_term_is_found_and_not_its_scattered_characters(archive):
    # 职代会 article has 法律 … 援助 apart: not a match for the phrase 法律援助.
    assert found("法律援助") == {"法律援助进车间"}


def test_three_character_term(archive):
    assert found("职代会") == {"职代会审议集体合同"}


def test_name_printed_with_a_space_is_found_by_the_name(archive):
    assert found("刘飞") == {"弘扬工匠精神", "职代会审议集体合同"}


def test_name_typed_with_a_space_as_printed(archive):
    assert found("刘 飞") == {"弘扬工匠精神", "职代会审议集体合同"}


def test_a_name_typed_apart_finds_the_name_not_its_characters_apart(db):
    page = make_page()
    make_article(page, headline="名字隔开排印", order=1, body="<p>市总工会主席刘 飞到车间调研。</p>")
    make_article(page, headline="名字连排", order=2, body="<p>市总工会主席刘飞到车间调研。</p>")
    make_article(page, headline="另一个人", order=3, body="<p>车间主任刘某飞介绍了情况。</p>")
    make_article(page, headline="两个字不相连", order=4, body="<p>姓刘，飞行员出身。</p>")
    for q in ("刘 飞", "刘飞", '"刘 飞"'):
        assert found(q) == {"名字隔开排印", "名字连排"}, q
    # Three characters typed apart are one name as well.
    assert found("刘 某 飞") == found("刘某飞") == {"另一个人"}


def test_traditional_query_finds_simplified_text(archive):
    assert found("勞動保障") == {"勞動保障宣傳月"}
    assert found("法律援助") == found("法律援助")


def test_simplified_query_finds_traditional_text(archive):
    assert found("劳动保障") == {"勞動保障宣傳月"}
    assert found("服务职工") == {"勞動保障宣傳月"}


def forget_opencc_tables():
    """Drop the t2s tables read from OpenCC's dictionaries, as a worker just started has not read them yet."""
    from articles.search import highlight, text

    for cached in (text.t2s_characters, text._t2s_changes, highlight._char):
        cached.cache_clear()


def test_a_worker_just_started_finds_simplified_text_by_a_traditional_query(archive):
    forget_opencc_tables()
    try:
        assert found("勞動保障") == {"勞動保障宣傳月"}
        assert found("服務職工") == {"勞動保障宣傳月"}
    finally:
        forget_opencc_tables()


def test_a_worker_just_started_marks_a_traditional_character_that_has_two_simplified_forms(db):
    # 戰 becomes 战 (OpenCC lists 𢧐 as a second, rarer form).
    make_article(headline="纪念大会", body="<p>纪念抗戰勝利八十周年。</p>")
    forget_opencc_tables()
    try:
        (hit,) = results.run({"q": "抗战胜利"}).hits
        assert "<mark>抗戰勝利</mark>" in hit.snippet
    finally:
        forget_opencc_tables()


def test_full_width_digits_match_half_width(archive):
    assert found("1000人次") == {"勞動保障宣傳月"}
    assert found("１０００件") == {"法律援助进车间"}


@pytest.mark.parametrize("q", ["1000件", "5G", "5g", "５Ｇ基站"])
def test_mixed_digits_latin_and_chinese(archive, q):
    expected = {"1000件": "法律援助进车间"}.get(q, "弘扬工匠精神")
    assert found(q) == {expected}


def test_single_character_searches_too(archive):
    assert found("匠") == {"弘扬工匠精神"}
    assert found("勞") == {"勞動保障宣傳月"}


def test_kicker_and_author_names_are_searched(archive):
    assert found("民主管理") == {"职代会审议集体合同"}
    assert found("王晓明") == {"法律援助进车间"}


def test_phrase_does_not_cross_punctuation(archive):
    # "（职代会）通过" has a bracket between 会 and 通.
    assert found("会通过") == set()
    assert found("职代会") == {"职代会审议集体合同"}


def test_unpublished_article_is_never_found(archive):
    assert "法律援助草稿" not in found("法律援助")
    assert "法律援助草稿" not in found("尚未发布")


def test_two_character_term_at_the_end_of_a_very_long_article_is_found(db):
    filler = "职工之家建设稳步推进。" * 2000  # 22,000 characters
    article = make_article(headline="长文", body=f"<p>{filler}</p><p>结尾处写到金秋助学。</p>")
    search = results.run({"q": "金秋"})
    assert [h.article.id for h in search.hits] == [article.id]


def test_traditional_phrase_made_of_simplified_characters_is_converted(db):
    # 覆 and 瞭 are also simplified characters; only in phrases such as 反覆
    # and 瞭解 does t2s change them, so both spellings must find both texts.
    page = make_page()
    phrase = make_article(page, headline="反覆核对台账", body="<p>工会干部深入瞭解职工诉求。</p>")
    plain = make_article(page, headline="服务全面覆盖", body="<p>职工了解政策。</p>", order=1)
    assert found("反复核对") == found("反覆核对") == {phrase.headline}
    assert found("了解") == found("瞭解") == {phrase.headline, plain.headline}
    assert found("覆盖") == {plain.headline}
