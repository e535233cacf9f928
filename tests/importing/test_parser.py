"""The article text grammar, tested without a database."""

import datetime

import pytest

from articles.importing.parser import ParseError, classify, first_date, parse, split_kicker

from . import samples


def test_seed_shape_gives_one_article_with_body_kept_once():
    [article] = parse(samples.seed_shape())
    assert article.date == datetime.date(2023, 3, 5)
    assert article.page_code == "A03"
    assert article.kicker == samples.KICKER
    assert article.headline == samples.HEADLINE
    assert article.byline == samples.BYLINE
    assert article.paragraphs == samples.BODY
    assert article.warnings == []


def test_body_printed_only_after_citation_is_read():
    [article] = parse(samples.seed_shape(repeat=False))
    assert article.paragraphs == samples.BODY
    assert article.byline == samples.BYLINE


def test_body_printed_only_before_masthead_is_read():
    text = samples.seed_shape(repeat=False)
    head, _, _ = text.partition("《")
    citation_and_rest = "《" + text.split("《", 1)[1]
    citation = citation_and_rest.splitlines()[0]
    text = "\n".join([samples.BYLINE, *samples.BODY]) + "\n" + head + citation + "\n"
    [article] = parse(text)
    assert article.paragraphs == samples.BODY
    assert article.byline == samples.BYLINE


def test_differing_copies_keep_the_one_after_the_citation_and_say_so():
    text = samples.seed_shape().replace(samples.BODY[0], "被截断的首段", 1)
    [article] = parse(text)
    assert article.paragraphs == samples.BODY
    assert any("不同" in w for w in article.warnings)


@pytest.mark.parametrize("weekday", [" 星期日", "", " 周日"])
def test_masthead_with_or_without_weekday(weekday):
    [article] = parse(samples.seed_shape(weekday=weekday))
    assert article.date == datetime.date(2023, 3, 5)
    assert article.warnings == []


def test_wrong_weekday_is_reported_and_the_date_wins():
    [article] = parse(samples.seed_shape(weekday=" 星期一"))
    assert article.date == datetime.date(2023, 3, 5)
    assert "星期" in article.warnings[0]


@pytest.mark.parametrize(
    "printed, code", [("第A03版", "A03"), ("A03", "A03"), ("第3版", "3"), ("03", "03"), ("第Ａ３４版", "A34")]
)
def test_page_codes_as_printed_in_archives(printed, code):
    [article] = parse(samples.seed_shape(page=printed))
    assert article.page_code == code


@pytest.mark.parametrize(
    "byline",
    ["本报记者 王晓明 通讯员 李 华", "文/图 张 强", "本报通讯员 赵 敏", "文 市总工会副主席 张 建 国", "记者 王晓明"],
)
def test_byline_shapes_are_recognised(byline):
    [article] = parse(samples.seed_shape(byline=byline))
    assert article.byline == byline
    assert article.paragraphs == samples.BODY


def test_article_without_byline_keeps_every_paragraph():
    [article] = parse(samples.seed_shape(byline=""))
    assert article.byline == ""
    assert article.paragraphs == samples.BODY


def test_body_paragraph_that_starts_like_a_role_is_not_a_byline():
    body = ["文化宫的职工夜校开课了，首期报名三百人。", "记者从市总工会获悉，夜校全年免费。"]
    [article] = parse(samples.seed_shape(byline="", body=body))
    assert article.byline == ""
    assert article.paragraphs == body


def test_several_articles_in_one_file_each_start_at_masthead():
    articles = parse(samples.several(samples.seed_shape(), samples.SECOND, samples.THIRD))
    assert [a.ordinal for a in articles] == [1, 2, 3]
    assert [a.page_code for a in articles] == ["A03", "A04", "05"]
    assert articles[0].paragraphs == samples.BODY
    assert articles[1].byline == "本报记者 王晓明 通讯员 李 华"
    assert articles[1].headline == "困难职工家庭迎来“暖心包”"
    assert articles[2].byline == "" and articles[2].paragraphs == ["建筑工地上的职工书屋已藏书两千册。"]


def test_kicker_split_rule():
    assert split_kicker("全面学习 全面把握 全面落实推动精神落地见效") == (
        "全面学习 全面把握 全面落实",
        "推动精神落地见效",
    )
    # Two parts only: the boundary cannot be known, so nothing is split.
    assert split_kicker("学习二十大 推动工会工作落地见效") == ("", "学习二十大 推动工会工作落地见效")
    # Phrases of unequal length are not a parallel kicker.
    assert split_kicker("春风行动 暖心 就业服务进园区助力企业招工") == ("", "春风行动 暖心 就业服务进园区助力企业招工")
    assert split_kicker("职工书屋开进工地") == ("", "职工书屋开进工地")


def test_heading_of_two_lines_is_kicker_and_headline_and_dash_line_is_subtitle():
    text = samples.seed_shape(heading="春风送岗位\n三千个就业岗位送到职工身边\n——市总工会春风行动侧记")
    [article] = parse(text)
    assert (article.kicker, article.headline, article.subtitle) == (
        "春风送岗位",
        "三千个就业岗位送到职工身边",
        "市总工会春风行动侧记",
    )


def test_body_line_with_a_date_is_not_a_masthead():
    body = ["截至 2023年03月01日 全市已建成职工书屋四百家。"]
    [article] = parse(samples.seed_shape(body=body))
    assert article.paragraphs == body


def test_crlf_and_full_width_spaces_read_like_lf():
    text = samples.seed_shape().replace("\n", "\r\n").replace("文 市总", "文\u3000市总")
    [article] = parse(text)
    assert article.byline == samples.BYLINE
    assert article.paragraphs == samples.BODY


def test_missing_citation_names_the_masthead_line():
    with pytest.raises(ParseError) as err:
        parse(samples.MALFORMED)
    assert err.value.line == 5
    assert "出处行" in str(err.value)


def test_text_without_masthead_is_refused():
    with pytest.raises(ParseError) as err:
        parse("只是一段普通文字。\n第二行。\n")
    assert err.value.line == 2
    assert "报头" in err.value.reason


def test_citation_before_any_masthead_is_refused():
    with pytest.raises(ParseError) as err:
        parse("《职工天地》(2023年03月05日 第A03版)\n正文。\n")
    assert err.value.line == 1


def test_citation_date_must_match_masthead():
    text = samples.seed_shape().replace("《职工天地》(2023年03月05日", "《职工天地》(2023年03月06日")
    with pytest.raises(ParseError) as err:
        parse(text)
    assert err.value.line == 7 and "不一致" in err.value.reason


def test_impossible_date_is_refused_with_its_line():
    with pytest.raises(ParseError) as err:
        parse(samples.seed_shape(date="2023年02月30日", weekday=""))
    assert err.value.line == 5 and "日期不存在" in err.value.reason


def test_article_without_body_is_refused():
    with pytest.raises(ParseError) as err:
        parse("职工天地 2023年03月05日\n标题\n《职工天地》(2023年03月05日 第A03版)\n")
    assert err.value.line == 3


def test_line_classes():
    assert classify("职工天地 2023年01月01日 星期日")[0] == "MASTHEAD"
    assert classify("《职工天地》（2023年01月01日 第A34版）")[0] == "CITATION"
    assert classify("本报记者王晓明")[0] == "BYLINE"
    assert classify("文化宫开放")[0] == "TEXT"
    assert classify("")[0] == "BLANK"


def test_first_date_is_the_date_parse_gives_the_first_article():
    other_day = samples.SECOND.replace("2023年03月05日", "2023年04月02日")
    for text in (
        samples.seed_shape(),
        samples.several(samples.seed_shape(), other_day),
        samples.several(other_day, samples.seed_shape()),
        samples.seed_shape().replace("职工天地 2023年03月05日", "职工天地　２０２３年３月５日"),
    ):
        assert first_date(text) == parse(text)[0].date
    assert first_date("截至 2023年03月05日，全市……\n") is None
    assert first_date(samples.seed_shape(date="2023年02月30日")) is None
