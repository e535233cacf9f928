"""Turn the bytes of an archive text file into text, or say clearly why not.

Archives hold UTF-8 (with or without a byte-order mark) and, from older
systems, GB18030 (a superset of GBK and GB2312). UTF-8 is tried first because
valid UTF-8 Chinese is almost never valid GB18030 by accident, while the
reverse is common; GB18030 is the fallback. Anything that still fails, or
that decodes to control characters, is refused as not text.
"""

from __future__ import annotations

import codecs
import re

DETECTED = ("utf-8", "gb18030")
# Control characters other than tab, line feed, form feed and carriage return
# do not occur in typed text; they mean a binary file or a wrong encoding.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class DecodeError(ValueError):
    """The bytes are not text in a supported encoding."""


def _canonical(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise DecodeError(f"未知的编码：{name}") from None


def check_encoding(name: str) -> str:
    """Return the codec name for ``name`` (for --encoding), or raise DecodeError."""
    return _canonical(name)


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used); line ends are left to ``str.splitlines``.

    With ``encoding`` the file must decode with it; without, UTF-8 (a BOM is
    dropped) then GB18030 are tried.
    """
    if b"\x00" in data[:8192]:
        raise DecodeError("文件含有 NUL 字节，是二进制文件而不是文本（或为不支持的 UTF-16 编码）")
    candidates = [_canonical(encoding)] if encoding else list(DETECTED)
    errors = []
    for name in candidates:
        try:
            text = data.decode(name)
        except UnicodeDecodeError as exc:
            errors.append(f"{name}：第 {exc.start} 字节起无法解码")
            continue
        # A byte-order mark decodes to U+FEFF in UTF-8 and GB18030 alike; it is not part of the text.
        text = text.removeprefix("\ufeff")
        if bad := _CONTROL.search(text):
            errors.append(f"{name}：解码后含控制字符 U+{ord(bad.group()):04X}")
            continue
        return text, ("utf-8-sig" if name == "utf-8" and data.startswith(codecs.BOM_UTF8) else name)
    tried = "、".join(candidates)
    raise DecodeError(f"不是 {tried} 编码的文本（{'；'.join(errors)}）；如为其他编码请用 --encoding 指定")
