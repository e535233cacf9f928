"""Issues built for the reader's tests: each test says how big it needs them."""

import datetime

from django.core.files.base import ContentFile

from articles.models import ArticleImage
from tests.factories import make_article, make_issue, make_page, png_bytes, rect_area

DAY = datetime.date(2023, 1, 1)


def build_issue(date, *, pages=2, articles=2, themes=1, photos=0, published=True, scans=True):
    """Return an issue with ``pages`` pages of ``articles`` articles, each with areas and themes."""
    issue = make_issue(date, published=published)
    for p in range(1, pages + 1):
        page = make_page(issue, f"A{p:02d}", name=f"第{p}版名", image=scans, pdf=True)
        for n in range(articles):
            article = make_article(
                page,
                headline=f"{date:%m月%d日}第{p}版第{n + 1}篇",
                order=n,
                published=published,
                byline="本报记者 王晓明 通讯员 李 华",
                themes=[f"主题{t}" for t in range(themes)],
                hot_areas=rect_area(5, 5 + n * 10, 90, 9),
            )
            for k in range(photos):
                photo = ArticleImage(article=article, caption=f"图{k}", order=k)
                photo.image.save("photo.png", ContentFile(png_bytes(40, 30)), save=False)
                photo.save()
    return issue
