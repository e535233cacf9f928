"""Read a printed byline into its parts.

A byline is printed as one or more groups, each a role followed by an
optional title line and one or more names::

    文 临沂市人大常委会副主任、市总工会主席 刘 飞
    本报记者 王晓明 通讯员 李 华
    文/图 张三、李四

Names are often printed with spaces between their characters (``刘 飞``);
they are stored without them (``刘飞``) so a search for the name finds them.

A Chinese personal name has at least two characters, so a character printed
alone is never a name by itself: it joins what follows (``刘 飞`` → 刘飞,
``王 晓明`` → 王晓明, ``王 晓 明`` → 王晓明, ``实习生 文 娟`` → 文娟, where 文
is read as a role only when it can be one). A compound surname joins the
given name printed after it (``欧阳 晓明`` → 欧阳晓明, ``欧阳 飞`` → 欧阳飞).
Two names of two characters each stay two people (``刘飞 李强``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Longest first, so 本报记者 wins over 记者 and 文/图 over 文.
ROLES = sorted(
    [
        "本报特约通讯员",
        "本报特约记者",
        "本报通讯员",
        "本报记者",
        "特约通讯员",
        "特约记者",
        "通讯员",
        "实习生",
        "记者",
        "见习记者",
        "文/图",
        "图/文",
        "文图",
        "摄影",
        "摄",
        "文",
        "图",
    ],
    key=len,
    reverse=True,
)
# Roles that may be glued to the name that follows (本报记者王晓明); one-character
# roles may not, since 文 or 图 can begin a name.
_GLUABLE_ROLES = [role for role in ROLES if len(role) >= 2]

TITLE_SUFFIXES = (
    "主席",
    "主任",
    "书记",
    "部长",
    "经理",
    "会长",
    "局长",
    "处长",
    "科长",
    "厂长",
    "校长",
    "院长",
    "委员",
    "董事长",
    "总监",
    "秘书长",
    "组长",
    "队长",
    "站长",
    "所长",
    "馆长",
    "教授",
    "律师",
    "工程师",
    "负责人",
    "代表",
    "干部",
    "职工",
    "工人",
    "技师",
)
# Words that end the name of an organisation, printed before the author's name
# in bylines such as 通讯员 市机械厂 赵一鸣; a token ending in one is not a name.
ORGANISATION_SUFFIXES = (
    "工会",
    "委员会",
    "公司",
    "集团",
    "中心",
    "协会",
    "学会",
    "医院",
    "银行",
    "街道",
    "社区",
    "政府",
    "车间",
    "班组",
)
# One-character endings (市交通局, 市机械厂) only count on longer tokens, since
# a three-character name may end in one of them.
ORGANISATION_ENDINGS = ("局", "厅", "厂", "部", "办", "处", "科", "站", "所", "院", "校", "社", "队", "委")
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NAME_RE = re.compile(rf"^[{_HAN}·]{{2,5}}$")
_ONE_HAN_RE = re.compile(rf"^[{_HAN}]$")
# A given name printed after a compound surname: one or two characters.
_GIVEN_RE = re.compile(rf"^[{_HAN}]{{1,2}}$")
# A run of a name list (王晓明、李 强): each part at most a name long.
_PART_RE = re.compile(rf"^[{_HAN}·]{{1,5}}$")

# Two-character surnames: the given name printed after one, spaced or not,
# belongs to it (欧阳 晓明 is one person, 欧阳晓明).
COMPOUND_SURNAMES = frozenset(
    (  # noqa: SIM905 -- sixty names read better as a table than as sixty quoted strings
        "欧阳 司马 诸葛 上官 东方 皇甫 令狐 慕容 尉迟 长孙 宇文 司徒 司空 夏侯 公孙 轩辕 端木 独孤 南宫 西门 "
        "申屠 澹台 公冶 太史 万俟 闻人 赫连 呼延 钟离 宗政 濮阳 淳于 单于 拓跋 东郭 百里 公羊 左丘 鲜于 闾丘 "
        "仲孙 叔孙 公西 巫马 漆雕 乐正 壤驷 公良 颛孙 子车 司寇 亓官 谷梁 段干 梁丘 羊舌 微生 东门 完颜 纳兰"
    ).split()
)
_ONE_CHAR_ROLES = frozenset(role for role in ROLES if len(role) == 1)
_ENUMERATION = "、"


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
            return role, token[len(role) :]
    return None


def _is_name(text: str) -> bool:
    return bool(_NAME_RE.match(text)) and not _is_title(text)


def _is_given_name(token: str) -> bool:
    """Return True if ``token`` can be the given name after a compound surname."""
    return bool(_GIVEN_RE.match(token)) and not (len(token) > 1 and token in ROLES)


def _name_list(token: str) -> list[str] | None:
    """Split 王晓明、李 (a list of names, perhaps spaced) into parts and separators, or None."""
    if _ENUMERATION not in token:
        return None
    parts = token.split(_ENUMERATION)
    if not all(p == "" or (_PART_RE.match(p) and not _is_title(p)) for p in parts):
        return None
    out: list[str] = []
    for k, part in enumerate(parts):
        if k:
            out.append(_ENUMERATION)
        if part:
            out.append(part)
    return out


def _one_char_role_is_a_name(tokens: list[str], i: int, pending: list[str], after_role: bool) -> bool:
    """Return True if the one-character role 文, 图 or 摄 at ``tokens[i]`` is part of a name here.

    It is when a lone character before it needs it (王 文), when it follows
    another role (实习生 文 娟: two roles in a row are not printed), or when
    the lone character after it has nothing else to join (文 娟 at the end,
    or before a role).
    """
    if len(pending) == 1 or after_role:
        return True
    following = tokens[i + 1 : i + 3]
    if not following or not _ONE_HAN_RE.match(following[0]):
        return False
    return len(following) == 1 or following[1] == _ENUMERATION or _split_role(following[1]) is not None


def parse_byline(text: str) -> Byline:
    """Split a printed byline into groups of role, titles and names."""
    raw = (text or "").strip()
    flat = unicodedata.normalize("NFKC", raw).replace("／", "/")
    tokens = flat.split()
    groups: list[BylineGroup] = []
    current: BylineGroup | None = None
    # Characters printed apart (刘 飞) waiting for the rest of their name.
    pending: list[str] = []

    def _start(role: str) -> BylineGroup:
        nonlocal current
        current = BylineGroup(role=role)
        groups.append(current)
        return current

    def add_name(name: str):
        (current if current is not None else _start("")).names.append(name)

    def flush():
        # A character left alone is kept as printed: better than losing it.
        # Four characters apart are two names of two (刘 飞 李 强), unless
        # they begin with a compound surname (欧 阳 晓 明).
        if len(pending) == 4 and "".join(pending[:2]) not in COMPOUND_SURNAMES:
            add_name(pending[0] + pending[1])
            add_name(pending[2] + pending[3])
        elif pending:
            add_name("".join(pending))
        pending.clear()

    i = 0
    after_role = False  # the previous token was a role with nothing after it yet
    while i < len(tokens):
        token = tokens[i]
        if token == _ENUMERATION:
            flush()
            after_role = False
            i += 1
            continue
        if token in _ONE_CHAR_ROLES and _one_char_role_is_a_name(tokens, i, pending, after_role):
            split = None
        else:
            split = _split_role(token)
        if split:
            flush()
            role, rest = split
            _start(role)
            if not rest:
                after_role = True
                i += 1
                continue
            token = rest
        after_role = False
        parts = _name_list(token)
        if parts is not None:
            tokens[i : i + 1] = parts
            continue
        i += 1
        if current is None:
            _start("")
        if _ONE_HAN_RE.match(token):
            pending.append(token)
            continue
        if len(pending) == 1 and _is_name(pending[0] + token):
            # 王 晓明: a surname printed apart from the given name.
            add_name(pending.pop() + token)
            continue
        flush()
        if token in COMPOUND_SURNAMES and i < len(tokens) and _is_given_name(tokens[i]):
            given = tokens[i]
            i += 1
            # 欧阳 晓 明: a given name of two characters printed apart; not when
            # more lone characters follow (欧阳 文 刘 飞), which make a name of their own.
            if (
                len(given) == 1
                and i < len(tokens)
                and _ONE_HAN_RE.match(tokens[i])
                and not (i + 1 < len(tokens) and _ONE_HAN_RE.match(tokens[i + 1]))
            ):
                given += tokens[i]
                i += 1
            add_name(token + given)
        elif _is_title(token) or not _NAME_RE.match(token):
            current.titles.append(token)
        else:
            current.names.append(token)
    flush()
    for group in groups:
        group.names = [normalize_name(n) for n in group.names]
    return Byline(raw=raw, groups=[g for g in groups if g.role or g.titles or g.names])
