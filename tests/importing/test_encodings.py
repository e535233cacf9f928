"""Archive text in the encodings old systems wrote, and files that are not text at all."""

import pytest

from articles.importing.decoding import DecodeError, decode
from articles.models import Article
from tests.factories import png_bytes

from . import samples

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_gb18030_and_gbk_files_are_detected_and_imported(run_import, write_file, encoding):
    path = write_file("old.txt", samples.seed_shape(), encoding)
    assert path.read_bytes() != samples.seed_shape().encode("utf-8")
    outcome = run_import(path)
    assert outcome.ok, outcome.err
    article = Article.objects.get()
    assert article.author_names == "张建国"
    assert article.body == "".join(f"<p>{p}</p>" for p in samples.BODY)


def test_gb18030_only_characters_survive(run_import, write_file):
    # 𠀀 (U+20000) exists in GB18030 but not in GBK.
    body = ["职工𠀀师傅的工作室挂牌。"]
    run_import(write_file("rare.txt", samples.seed_shape(body=body), "gb18030"))
    assert "𠀀" in Article.objects.get().body


def test_forced_encoding_is_used(run_import, write_file):
    path = write_file("old.txt", samples.seed_shape(), "gb18030")
    assert run_import(path, "--encoding", "gb18030").ok
    assert Article.objects.count() == 1


def test_forced_wrong_encoding_fails_naming_the_file(run_import, write_file):
    path = write_file("old.txt", samples.seed_shape(), "gb18030")
    outcome = run_import(path, "--encoding", "utf-8")
    assert not outcome.ok
    assert str(path) in outcome.err and "utf-8" in outcome.err
    assert Article.objects.count() == 0


def test_unknown_encoding_name_is_refused_before_anything(run_import, write_file):
    outcome = run_import(write_file("a.txt", samples.seed_shape()), "--encoding", "no-such-codec")
    assert not outcome.ok and "no-such-codec" in outcome.err
    assert Article.objects.count() == 0


def test_binary_junk_gets_a_clear_error_naming_it_and_others_still_import(run_import, write_file, tmp_path):
    junk = tmp_path / "scan-by-mistake.txt"
    junk.write_bytes(png_bytes())
    good = write_file("good.txt", samples.seed_shape())
    outcome = run_import(junk, good)
    assert not outcome.ok
    assert str(junk) in outcome.err
    assert "imported=1" in outcome.out and "failed=1" in outcome.out


def test_decoder_reports_which_encoding_was_used():
    text = samples.seed_shape()
    assert decode(text.encode("utf-8"))[1] == "utf-8"
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8"))[1] == "utf-8-sig"
    assert decode(text.encode("gb18030")) == (text, "gb18030")


@pytest.mark.parametrize(
    "junk", [b"\x00\x01\x02PK\x03\x04", bytes(range(0x80, 0x100)) * 4, "职工".encode("utf-16"), b"\x1b[31m\x07"]
)
def test_decoder_refuses_junk(junk):
    with pytest.raises(DecodeError):
        decode(junk)
