"""Fixtures for search tests: a small archive whose contents each test can rely on."""

import datetime

import pytest

from tests.factories import make_article, make_issue, make_page


@pytest.fixture
def archive(db):
    """Three issues over two years; articles written for the recall rules."""
    i1 = make_issue(datetime.date(2022, 5, 1))
    i2 = make_issue(datetime.date(2023, 1, 1))
    i3 = make_issue(datetime.date(2023, 6, 1))
    p1 = make_page(i1, "A01", name="要闻")
    p2 = make_page(i2, "A34", name="法治")
    p3 = make_page(i3, "A02", name="工会动态")
    arts = {
        "legal": make_article(
            p2,
            headline="法律援助进车间",
            byline="本报记者 王晓明",
            body="<p>市总工会开展法律援助服务，为职工挽回工资1000件次以上。</p>",
            themes=["法律援助"],
        ),
        "craft": make_article(
            p1,
            headline="弘扬工匠精神",
            byline="文 市总工会主席 刘 飞",
            body="<p>沂蒙工匠精神代代相传，5G基站建设中涌现一批技术能手。</p>",
            themes=["劳模工匠"],
        ),
        "congress": make_article(
            p3,
            headline="职代会审议集体合同",
            kicker="民主管理",
            body="<p>职工代表大会（职代会）通过了法律咨询与援助制度。刘 飞 说：“要落实。”</p>",
            themes=["职代会"],
        ),
        "trad": make_article(
            p3,
            headline="勞動保障宣傳月",
            order=2,
            body="<p>開展勞動保障法律宣傳，服務職工１０００人次。</p>",
        ),
        "draft": make_article(
            p3,
            headline="法律援助草稿",
            published=False,
            order=3,
            body="<p>法律援助 尚未发布。</p>",
        ),
    }
    return arts
