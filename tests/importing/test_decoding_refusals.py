"""A file that is not text is refused with a reason the operator can act on: what was tried and where it broke."""

import pytest

from articles.importing.decoding import DecodeError, decode


def refusal(data: bytes, encoding=None) -> str:
    with pytest.raises(DecodeError) as refused:
        decode(data, encoding)
    return str(refused.value)


def test_a_binary_file_is_named_as_binary():
    assert refusal(b"PK\x03\x04\x00\x00") == "文件含有 NUL 字节，是二进制文件而不是文本（或为不支持的 UTF-16 编码）"


def test_control_characters_are_refused_after_trying_both_encodings_and_named_for_each():
    assert refusal(b"\x1b[31m\x07") == (
        "不是 utf-8、gb18030 编码的文本（utf-8：解码后含控制字符 U+001B；gb18030：解码后含控制字符 U+001B）"
        "；如为其他编码请用 --encoding 指定"
    )


def test_undecodable_bytes_name_the_byte_for_each_encoding_tried():
    assert refusal("职工".encode() + bytes(range(0x80, 0x100))) == (
        "不是 utf-8、gb18030 编码的文本（utf-8：第 6 字节起无法解码；gb18030：第 6 字节起无法解码）"
        "；如为其他编码请用 --encoding 指定"
    )


def test_a_forced_encoding_is_the_only_one_tried():
    assert refusal("职工".encode("gb18030"), "utf-8") == (
        "不是 utf-8 编码的文本（utf-8：第 2 字节起无法解码）；如为其他编码请用 --encoding 指定"
    )
