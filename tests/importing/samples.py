"""Archive files in the seed's shape, written for these tests (the text is ours)."""

BYLINE = "文 市总工会副主席、市职工技协会长 张 建 国"
BODY = [
    "今年以来，市总工会把职工技能提升作为服务大局的重要抓手，在全市开展“岗位练兵、技能比武”活动。",
    "活动覆盖机械制造、电力、建筑等十二个行业，参赛职工达三万余人次，一批青年技术骨干脱颖而出。",
    "市总工会还联合人社部门，为获奖职工落实技能等级晋升和奖励政策，让技术工人有奔头、有甜头。",
]
HEADING = "岗位练兵 技能比武 匠心筑梦让技术工人成为城市发展的主力军"
KICKER = "岗位练兵 技能比武 匠心筑梦"
HEADLINE = "让技术工人成为城市发展的主力军"


def seed_shape(
    *,
    date="2023年03月05日",
    weekday=" 星期日",
    heading=HEADING,
    page="第A03版",
    byline=BYLINE,
    body=BODY,
    repeat=True,
    paper="职工天地",
) -> str:
    """Return one article as the scraper writes it: byline+body, masthead, heading, citation, byline+body."""
    block = ([byline] if byline else []) + list(body)
    lines = (block if repeat else []) + [
        f"{paper} {date}{weekday}",
        heading,
        f"《{paper}》({date} {page})",
        *block,
    ]
    return "\n".join(lines) + "\n"


def several(*articles: str) -> str:
    """Return several articles in one file, each starting at its masthead."""
    return "".join(articles)


SECOND = seed_shape(
    repeat=False,
    heading="困难职工家庭迎来“暖心包”",
    page="第A04版",
    byline="本报记者 王晓明 通讯员 李 华",
    body=["春节前夕，市总工会走访慰问困难职工家庭二百余户，送去米面油和慰问金。", "慰问组逐户了解职工的实际困难。"],
)
THIRD = seed_shape(
    repeat=False,
    heading="职工书屋开进工地",
    page="05",
    byline="",
    body=["建筑工地上的职工书屋已藏书两千册。"],
)

MALFORMED = (
    "\n".join(
        [
            BYLINE,
            *BODY,
            "职工天地 2023年03月05日 星期日",
            HEADING,
            "（出处行被截断了）",
            BYLINE,
            *BODY,
        ]
    )
    + "\n"
)
