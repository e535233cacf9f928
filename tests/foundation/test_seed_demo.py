"""seed_demo gives a newcomer a paper to look at, and running it twice changes nothing."""

import pytest
from django.core.management import call_command
from PIL import Image

from articles.models import Article, Theme
from issues.models import Issue, Page
from tests.factories import found_by_author

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_published_issues_with_scans_pdfs_and_themed_articles(capsys):
    call_command("seed_demo")
    assert "演示数据已创建" in capsys.readouterr().out
    assert Issue.objects.published().count() >= 3
    pages = Page.objects.all()
    assert pages.count() >= 3 * 4
    for page in pages:
        assert page.image and page.thumbnail and page.pdf
        with open(page.pdf.path, "rb") as f:
            assert f.read(5) == b"%PDF-"
    assert Article.objects.published().count() == Article.objects.count() >= 15
    names = set(Theme.objects.values_list("name", flat=True))
    assert {"法律援助", "技能竞赛", "劳模工匠", "职工维权", "困难帮扶"} <= names
    # Spaced bylines come out as searchable names.
    assert found_by_author("陈静")


def test_every_demo_article_has_an_area_inside_its_drawn_page():
    call_command("seed_demo")
    for article in Article.objects.select_related("page"):
        assert article.has_area
        [shape] = article.hot_areas
        (left, top), (right, bottom) = shape["points"]
        assert 0 <= left < right <= 1 and 0 <= top < bottom <= 1
        with Image.open(article.page.image.path) as img:
            # The block's frame is drawn where the area says: its top-left pixel is the grey border.
            x = int(left * img.width) + 1
            y = int(top * img.height) + 1
            assert img.convert("RGB").getpixel((x, y)) == (204, 204, 204)


def test_running_seed_demo_twice_duplicates_nothing(capsys):
    call_command("seed_demo")
    counts = (Issue.objects.count(), Page.objects.count(), Article.objects.count(), Theme.objects.count())
    images = sorted(Page.objects.values_list("image", flat=True))
    call_command("seed_demo")
    assert "未做改动" in capsys.readouterr().out
    assert (Issue.objects.count(), Page.objects.count(), Article.objects.count(), Theme.objects.count()) == counts
    assert sorted(Page.objects.values_list("image", flat=True)) == images
