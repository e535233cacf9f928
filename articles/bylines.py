"""Read a printed byline into its parts.

A byline is printed as one or more groups, each a role followed by an
optional title line and one or more names::

    文 临沂市人大常委会副主任、市总工会主席 刘 飞
    本报记者 王晓明 通讯员 李 华
    文/图 张三、李四

Names are often printed with spaces between their characters (``刘 飞``);
they are stored without them (``刘飞``) so a search for the name finds them.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Longest first, so 本报记者 wins over 记者 and 文/图 over 文.
ROLES = sorted(
    [
        "本报特约通讯员", "本报特约记者", "本报通讯员", "本报记者", "特约通讯员", "特约记者",
        "通讯员", "实习生", "记者", "见习记者", "文/图", "图/文", "文图", "摄影", "摄", "文", "图",
    ],
    key=len,
    reverse=True,
)
# Roles that may be glued to the name that follows (本报记者王晓明); one-character
# roles may not, since 文 or 图 can begin a name.
_GLUABLE_ROLES = [role for role in ROLES if len(role) >= 2]

TITLE_SUFFIXES = (
    "主席", "主任", "书记", "部长", "经理", "会长", "局长", "处长", "科长", "厂长", "校长", "院长",
    "委员", "董事长", "总监", "秘书长", "组长", "队长", "站长", "所长", "馆长", "教授", "律师", "工程师",
    "负责人", "代表", "干部", "职工", "工人", "技师",
)
# Words that end the name of an organisation, printed before the author's name
# in bylines such as 通讯员 市机械厂 赵一鸣; a token ending in one is not a name.
ORGANISATION_SUFFIXES = (
    "工会", "委员会", "公司", "集团", "中心", "协会", "学会", "医院", "银行", "街道", "社区", "政府", "车间", "班组",
)
# One-character endings (市交通局, 市机械厂) only count on longer tokens, since
# a three-character name may end in one of them.
ORGANISATION_ENDINGS = ("局", "厅", "厂", "部", "办", "处", "科", "站", "所", "院", "校", "社", "队", "委")
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NAME_RE = re.compile(rf"^[{_HAN}·]{{2,5}}$")
_ONE_HAN_RE = re.compile(rf"^[{_HAN}]$")


@dataclass
class BylineGroup:
    role: str = ""
    titles: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


@dataclass
class Byline:
    raw: str
    groups: list[BylineGroup]

    @property
    def role(self) -> str:
        """Return the first role printed (文, 本报记者 …)."""
        return next((g.role for g in self.groups if g.role), "")

    @property
    def title(self) -> str:
        """Return the title line(s) printed before the names."""
        return "；".join(t for g in self.groups for t in g.titles)

    @property
    def names(self) -> list[str]:
        """Return every author's name, spaces removed, in printed order, once each."""
        seen: dict[str, None] = {}
        for group in self.groups:
            for name in group.names:
                seen.setdefault(name, None)
        return list(seen)


def normalize_name(name: str) -> str:
    """Return a name as stored and searched: width-folded, with no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


def _is_title(token: str) -> bool:
    return (
        "、" in token
        or "，" in token
        or len(token) > 5
        or any(token.endswith(s) and len(token) > len(s) for s in TITLE_SUFFIXES)
        or (len(token) >= 3 and token.endswith(ORGANISATION_SUFFIXES))
        or (len(token) >= 4 and token.endswith(ORGANISATION_ENDINGS))
    )


def _split_role(token: str) -> tuple[str, str] | None:
    if token in ROLES:
        return token, ""
    for role in _GLUABLE_ROLES:
        if token.startswith(role) and len(token) > len(role):
            return role, token[len(role):]
    return None


def parse_byline(text: str) -> Byline:
    """Split a printed byline into groups of role, titles and names."""
    raw = (text or "").strip()
    flat = unicodedata.normalize("NFKC", raw).replace("／", "/")
    tokens = flat.split()
    groups: list[BylineGroup] = []
    current: BylineGroup | None = None
    pending_chars: list[str] = []

    def flush_chars():
        nonlocal pending_chars
        if pending_chars:
            target = current if current is not None else _start("")
            target.names.append("".join(pending_chars))
            pending_chars = []

    def _start(role: str) -> BylineGroup:
        nonlocal current
        current = BylineGroup(role=role)
        groups.append(current)
        return current

    for token in tokens:
        split = _split_role(token)
        if split:
            flush_chars()
            role, rest = split
            _start(role)
            if not rest:
                continue
            token = rest
        if current is None:
            _start("")
        if _ONE_HAN_RE.match(token):
            pending_chars.append(token)
            continue
        flush_chars()
        if "、" in token and all(_NAME_RE.match(p) and not _is_title(p) for p in token.split("、") if p):
            current.names.extend(p for p in token.split("、") if p)
        elif _is_title(token) or not _NAME_RE.match(token):
            current.titles.append(token)
        else:
            current.names.append(token)
    flush_chars()
    for group in groups:
        group.names = [normalize_name(n) for n in group.names]
    return Byline(raw=raw, groups=[g for g in groups if g.role or g.titles or g.names])
