"""Build (or extend) a synthetic archive for the search benchmark.

Articles are generated deterministically from their number, so a build that
was stopped resumes where it stopped and a bigger archive extends a smaller
one: ``--size 100000`` then ``--size 1000000`` reuses the first 100,000.

The text is drawn from a vocabulary written for this benchmark; the test
terms are planted at controlled rates (see TERMS) and one author in 3,000
is 刘飞, printed ``刘 飞`` in bylines and in the body as the paper prints it.
"""

import datetime
import io
import random

from django.db import connection, transaction
from django.utils import timezone

ARTICLES_PER_PAGE = 8
PAGES_PER_ISSUE = 12
PER_ISSUE = ARTICLES_PER_PAGE * PAGES_PER_ISSUE
FIRST_DAY = datetime.date(1998, 1, 1)
PAGE_NAMES = [
    "要闻",
    "要闻",
    "工会动态",
    "基层传真",
    "职工维权",
    "法治",
    "劳模风采",
    "经济",
    "文化",
    "副刊",
    "健康",
    "服务",
]

# Planted test terms: (term, share of articles that get it planted in the body).
TERMS = {
    "工会": 0.45,  # frequent two characters (it also occurs by chance in 总工会, 工会主席 …)
    "法律援助": 0.01,  # mid-frequency four characters
    "沂蒙工匠精神": 0.00015,  # rare phrase
    "职代会": 0.03,  # second term of the AND query
}
RARE_AUTHOR = "刘飞"
RARE_AUTHOR_SHARE = 1 / 3000

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红娟建国文辉鹏云峰飞成志新宇浩晓东海波宁亮斌林琳雪梅春燕"
NOUNS = [
    "职工",
    "企业",
    "车间",
    "班组",
    "技术工人",
    "劳动模范",
    "工匠",
    "职工书屋",
    "农民工",
    "新就业形态劳动者",
    "快递小哥",
    "网约车司机",
    "女职工",
    "困难职工",
    "一线职工",
    "产业工人",
    "技能人才",
    "服务站",
    "驿站",
    "合同",
    "工资",
    "社会保险",
    "安全生产",
    "劳动关系",
    "集体协商",
    "职业技能",
    "培训",
    "竞赛",
    "岗位",
    "班组长",
    "园区",
    "社区",
    "街道",
    "乡镇",
    "项目",
    "工地",
    "医院",
    "学校",
    "机关",
    "党组织",
    "群众",
    "制度",
    "机制",
    "平台",
    "阵地",
    "品牌",
    "活动",
    "成果",
    "经验",
    "典型",
    "标准",
    "体系",
    "队伍",
    "基层",
    "组织",
    "代表",
    "经费",
    "福利",
    "慰问金",
    "疗休养",
    "健康体检",
    "心理咨询",
    "法律服务",
    "维权",
    "调解",
    "仲裁",
]
VERBS = [
    "推进",
    "落实",
    "开展",
    "组织",
    "建立",
    "完善",
    "加强",
    "提升",
    "服务",
    "保障",
    "引领",
    "凝聚",
    "深化",
    "打造",
    "培育",
    "创建",
    "覆盖",
    "推动",
    "参与",
    "举办",
    "走访",
    "慰问",
    "帮扶",
    "调研",
    "部署",
    "总结",
    "表彰",
    "宣传",
    "学习",
    "贯彻",
    "解决",
    "协调",
    "化解",
    "维护",
    "发放",
    "签订",
    "评选",
    "健全",
]
ADJS = [
    "全面",
    "扎实",
    "广泛",
    "深入",
    "持续",
    "有效",
    "重要",
    "积极",
    "普遍",
    "稳步",
    "切实",
    "认真",
    "不断",
    "进一步",
]
PLACES = [
    "临沂",
    "兰山",
    "罗庄",
    "河东",
    "沂南",
    "沂水",
    "郯城",
    "兰陵",
    "费县",
    "平邑",
    "蒙阴",
    "莒南",
    "临沭",
    "经开区",
    "高新区",
]
NUMBERS = ["1000件", "5G", "200余名", "3000元", "12个", "98%", "560万元", "24小时", "1.2万人次", "36家"]
PUNCT = ["，", "，", "，", "、", "；"]
THEMES = [
    "法律援助",
    "技能竞赛",
    "职工维权",
    "劳模工匠",
    "职工书屋",
    "困难帮扶",
    "安全生产",
    "集体协商",
    "女职工",
    "新就业形态",
    "职工健康",
    "文体活动",
    "工会改革",
    "产业工人",
    "送温暖",
    "金秋助学",
    "农民工",
    "职代会",
]


def _name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _sentence(rng):
    words = []
    for _ in range(rng.randint(3, 6)):
        kind = rng.random()
        if kind < 0.08:
            words.append(rng.choice(PLACES))
        elif kind < 0.12:
            words.append(rng.choice(NUMBERS))
        elif kind < 0.2:
            words.append(rng.choice(ADJS))
        words.append(rng.choice(VERBS))
        words.append(rng.choice(NOUNS))
        if rng.random() < 0.3:
            words.append(rng.choice(PUNCT))
    return "".join(words).rstrip("，、；") + rng.choice(("。", "。", "。", "！", "？"))


def article(n: int) -> dict:
    """Return the fields of article number ``n`` (the same every time)."""
    rng = random.Random(n)
    length = max(300, int(rng.gauss(1200, 400)))
    paragraphs, size = [], 0
    while size < length:
        para = "".join(_sentence(rng) for _ in range(rng.randint(3, 7)))
        paragraphs.append(para)
        size += len(para)
    for term, share in TERMS.items():
        if rng.random() < share:
            i = rng.randrange(len(paragraphs))
            para = paragraphs[i]
            cut = rng.randrange(len(para))
            paragraphs[i] = para[:cut] + term + para[cut:]
    if rng.random() < RARE_AUTHOR_SHARE:
        author, printed = RARE_AUTHOR, "刘 飞"
        paragraphs[-1] += f"（{printed}）"
    else:
        author = _name(rng)
        printed = " ".join(author) if len(author) == 2 else author
    headline = rng.choice(PLACES) + rng.choice(ADJS) + rng.choice(VERBS) + rng.choice(NOUNS) + rng.choice(NOUNS)
    return {
        "headline": headline,
        "kicker": (rng.choice(VERBS) + rng.choice(NOUNS)) if rng.random() < 0.3 else "",
        "subtitle": "",
        "byline": f"本报记者 {printed}",
        "author_names": author,
        "body": "".join(f"<p>{p}</p>" for p in paragraphs),
        "themes": rng.sample(range(len(THEMES)), rng.choice((0, 1, 1, 2))),
    }


def _copy(table, columns, rows):
    buf = io.StringIO()
    for row in rows:
        buf.write(
            "\t".join(
                "\\N" if v is None else str(v).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ") for v in row
            )
        )
        buf.write("\n")
    buf.seek(0)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf)
        else:
            marks = ", ".join("%s" for _ in columns)
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [[None if v == "\\N" else v for v in line.split("\t")] for line in buf.read().splitlines()],
            )


def ensure_themes():
    # Django is set up by the caller (bench/search/run.py): models load only now.
    from articles.models import Theme

    ids = []
    for name in THEMES:
        theme, _ = Theme.objects.get_or_create(name=name, defaults={"slug": name})
        ids.append(theme.id)
    return ids


def build(size: int, progress=print, batch_issues: int = 50):
    """Extend the archive to ``size`` articles; return the number it holds."""
    # Django is set up by the caller (bench/search/run.py): models load only now.
    from articles.models import Article
    from issues.models import Issue, Page, page_sort_key

    theme_ids = ensure_themes()
    have = Article.objects.count()
    if have % PER_ISSUE:
        raise SystemExit(f"archive holds {have} articles, not whole issues: rebuild it")
    issue_no = have // PER_ISSUE
    target_issues = -(-size // PER_ISSUE)
    now = timezone.now()
    published = now - datetime.timedelta(days=1)
    while issue_no < target_issues:
        upto = min(target_issues, issue_no + batch_issues)
        with transaction.atomic():
            issues = []
            for k in range(issue_no, upto):
                day = FIRST_DAY + datetime.timedelta(days=k)
                issues.append(
                    Issue(date=day, number=k % 365 + 1, serial=k + 1, status="published", publish_at=published)
                )
            Issue.objects.bulk_create(issues)
            issue_ids = dict(Issue.objects.filter(date__in=[i.date for i in issues]).values_list("date", "id"))
            pages = []
            for issue in issues:
                for p in range(PAGES_PER_ISSUE):
                    code = f"A{p + 1:02d}"
                    pages.append(
                        Page(
                            issue_id=issue_ids[issue.date], code=code, sort_key=page_sort_key(code), name=PAGE_NAMES[p]
                        )
                    )
            Page.objects.bulk_create(pages)
            page_ids = list(
                Page.objects.filter(issue_id__in=issue_ids.values())
                .order_by("issue__date", "sort_key")
                .values_list("id", flat=True)
            )
            rows, theme_rows = [], []
            for j, page_id in enumerate(page_ids):
                for order in range(ARTICLES_PER_PAGE):
                    n = (issue_no * PER_ISSUE) + j * ARTICLES_PER_PAGE + order
                    a = article(n)
                    rows.append(
                        (
                            "published",
                            published.isoformat(),
                            page_id,
                            order,
                            a["kicker"],
                            a["headline"],
                            a["subtitle"],
                            a["byline"],
                            "本报记者",
                            "",
                            a["author_names"],
                            a["body"],
                            f"bench:{n}",
                            "",
                            now.isoformat(),
                            now.isoformat(),
                        )
                    )
                    theme_rows.append([theme_ids[t] for t in a["themes"]])
            _copy(
                "articles_article",
                [
                    "status",
                    "publish_at",
                    "page_id",
                    '"order"',
                    "kicker",
                    "headline",
                    "subtitle",
                    "byline",
                    "byline_role",
                    "author_title",
                    "author_names",
                    "body",
                    "source_key",
                    "source_checksum",
                    "created_at",
                    "updated_at",
                ],
                rows,
            )
            keys = [r[12] for r in rows]
            ids = dict(Article.objects.filter(source_key__in=keys).values_list("source_key", "id"))
            links = [(ids[key], t) for key, themes in zip(keys, theme_rows, strict=True) for t in themes]
            _copy("articles_themedarticle", ["content_object_id", "tag_id"], links)
        issue_no = upto
        progress(f"archive: {min(size, issue_no * PER_ISSUE):,} / {size:,} articles")
    if connection.vendor == "postgresql":
        # Fresh tables have no statistics yet; without them the planner joins articles to issues blindly.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Article.objects.count()
