"""Hot areas as shapes: several per article, rectangles and polygons, drawn over the scan, always on the page."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.models import Article
from tests.factories import make_article, make_issue, make_page

L_SHAPE = {"type": "polygon", "points": [[0.1, 0.1], [0.6, 0.1], [0.6, 0.3], [0.35, 0.3], [0.35, 0.5], [0.1, 0.5]]}
SECOND_BLOCK = {"type": "rect", "points": [[0.65, 0.6], [0.95, 0.9]]}


@pytest.fixture
def page(db):
    page = make_page(make_issue(datetime.date(2023, 1, 8)), "A01", image=True)
    make_article(page, headline="转版的长篇通讯", hot_areas=[L_SHAPE, SECOND_BLOCK])
    make_article(
        page, headline="右上角的短讯", order=2, hot_areas=[{"type": "rect", "points": [[0.65, 0.1], [1, 0.3]]}]
    )
    return page


def test_an_l_shaped_story_in_two_blocks_is_one_link_with_both_shapes(client, page):
    html = client.get(page.get_absolute_url()).content.decode()
    story = Article.objects.get(headline="转版的长篇通讯")
    link = re.search(rf'<a class="area" href="{story.get_absolute_url()}" aria-label="转版的长篇通讯">(.*?)</a>', html)
    assert link, html
    assert '<polygon points="10,10 60,10 60,30 35,30 35,50 10,50"/>' in link.group(1)
    assert '<rect x="65" y="60" width="30" height="30"/>' in link.group(1)
    short = Article.objects.get(headline="右上角的短讯")
    title = "<title>右上角的短讯</title>"
    rect = '<rect x="65" y="10" width="35" height="20"/>'
    assert f'<a class="area" href="{short.get_absolute_url()}" aria-label="右上角的短讯">{title}{rect}</a>' in html
    # The reader can show or hide the areas; the button comes with the scan's script.
    assert "data-areas-toggle" in html and "reader/areas.js" in html


@pytest.mark.parametrize(
    "shapes",
    [
        [{"type": "rect", "points": [[0.5, 0.5], [1.01, 0.9]]}],
        [SECOND_BLOCK, {"type": "polygon", "points": [[0.1, 0.1], [0.5, -0.1], [0.5, 0.5]]}],
        [{"type": "rect", "points": [[0.5, 0.5], [0.5, 0.9]]}],
        [{"type": "polygon", "points": [[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]]}],
        [{"type": "rect", "points": [["x", 0.5], [0.6, 0.9]]}],
        {"type": "rect"},
    ],
)
def test_a_shape_off_the_page_or_without_area_is_refused(page, shapes):
    article = page.articles.first()
    article.hot_areas = shapes
    with pytest.raises(ValidationError) as err:
        article.full_clean()
    assert "hot_areas" in err.value.message_dict


def test_rectangle_corners_and_polygon_order_are_stored_one_way(page):
    article = page.articles.first()
    article.hot_areas = [
        {"type": "rect", "points": [[0.9, 0.9], [0.5, 0.5]]},
        {"type": "polygon", "points": [[0.1, 0.1], [0.1, 0.5], [0.5, 0.5]]},
    ]
    article.full_clean()
    assert article.hot_areas == [
        {"type": "rect", "points": [[0.5, 0.5], [0.9, 0.9]]},
        {"type": "polygon", "points": [[0.5, 0.5], [0.1, 0.5], [0.1, 0.1]]},
    ]


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_each_rectangle_over_unchanged():
    executor = MigrationExecutor(connection)
    before = [("articles", "0009_working_copies"), ("issues", "0008_department_head_role")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Issue, Page, Article = (
        old.get_model(*m) for m in (("issues", "Issue"), ("issues", "Page"), ("articles", "Article"))
    )
    issue = Issue.objects.create(date=datetime.date(2023, 1, 1), number=1)
    page = Page.objects.create(issue=issue, code="A01", sort_key="A0001")
    boxed = Article.objects.create(
        page=page, headline="有热区", area_left="2.50", area_top="3.00", area_width="95.00", area_height="40.25"
    )
    bare = Article.objects.create(page=page, headline="无热区")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from articles.models import Article as Now

    assert Now.objects.get(pk=boxed.pk).hot_areas == [{"type": "rect", "points": [[0.025, 0.03], [0.975, 0.4325]]}]
    assert Now.objects.get(pk=bare.pk).hot_areas == []
