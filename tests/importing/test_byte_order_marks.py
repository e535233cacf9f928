"""A byte-order mark is not text: it never reaches a headline, a masthead match or a body."""

import codecs

import pytest

from articles.importing.decoding import DecodeError, decode
from articles.models import Article

from . import samples

TEXT = samples.seed_shape()
GB18030_BOM = "\ufeff".encode("gb18030")


@pytest.mark.parametrize(
    ("data", "encoding", "used"),
    [
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), None, "utf-8-sig"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8", "utf-8-sig"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig", "utf-8-sig"),
        (GB18030_BOM + TEXT.encode("gb18030"), None, "gb18030"),
        (GB18030_BOM + TEXT.encode("gb18030"), "gb18030", "gb18030"),
    ],
    ids=["utf-8 detected", "utf-8 forced", "utf-8-sig forced", "gb18030 detected", "gb18030 forced"],
)
def test_the_decoded_text_starts_after_the_byte_order_mark(data, encoding, used):
    text, encoding_used = decode(data, encoding)
    assert text == TEXT
    assert encoding_used == used


def test_a_file_without_a_byte_order_mark_keeps_its_first_character():
    assert decode(TEXT.encode("utf-8")) == (TEXT, "utf-8")


def test_utf16_with_its_byte_order_mark_is_refused_naming_utf16():
    with pytest.raises(DecodeError, match="UTF-16"):
        decode(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"))


def test_an_undecodable_byte_is_named_by_its_position_in_the_file_byte_order_mark_included():
    with pytest.raises(DecodeError) as plain:
        decode("职工".encode() + b"\xff\xff", "utf-8")
    with pytest.raises(DecodeError) as marked:
        decode(codecs.BOM_UTF8 + "职工".encode() + b"\xff\xff", "utf-8")
    assert "第 6 字节" in str(plain.value)
    assert "第 9 字节" in str(marked.value)


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_file_starting_with_a_byte_order_mark_and_its_masthead_imports_whole(run_import, tmp_path, encoding):
    # The masthead is the file's first line: a mark left in front of it would hide it.
    text = samples.seed_shape(repeat=False)
    path = tmp_path / "marked.txt"
    path.write_bytes("\ufeff".encode(encoding) + text.encode(encoding))
    outcome = run_import(path)
    assert outcome.ok, outcome.err
    article = Article.objects.get()
    assert (article.kicker, article.headline) == (samples.KICKER, samples.HEADLINE)
    assert article.body == "".join(f"<p>{p}</p>" for p in samples.BODY)
    assert "\ufeff" not in article.byline + article.kicker + article.body
