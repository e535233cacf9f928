"""``suggest_hot_areas``: areas from the page PDFs of back issues, printed, applied, or as JSON."""

import datetime
import html
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from articles.hotareas.geometry import iou
from articles.models import Article
from tests.factories import make_article, make_issue, make_page

pytestmark = pytest.mark.django_db
DAY = datetime.date(2023, 5, 1)


@pytest.fixture
def printed(generated):
    """An issue whose page A01 has a generated PDF and an article for each printed story."""
    data, layout = generated("classic", "cff", 0)
    page = make_page(make_issue(DAY), "A01")
    page.pdf = ContentFile(data, name="A01.pdf")
    page.save()
    stories = {}
    for n, story in enumerate(layout.stories):
        body = "".join(f"<p>{html.escape(p)}</p>" for p in story.body.split("\n"))
        article = make_article(
            page,
            order=n,
            kicker=story.kicker,
            headline=story.headline,
            subtitle=story.subtitle,
            byline=story.byline,
            body=body,
        )
        stories[article.pk] = story
    missing = make_article(page, order=99, headline="版面上没有的稿件", body="<p>这段文字没有印在这一版上。</p>")
    return page, stories, layout, missing


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("suggest_hot_areas", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_lists_every_article_with_its_shapes_in_page_fractions_and_changes_nothing(printed):
    _, stories, layout, missing = printed
    out, err = run(DAY.isoformat(), "--json")
    rows = json.loads(out)
    assert {r["article"] for r in rows} == {*stories, missing.pk}
    for row in rows:
        assert set(row) == {"article", "page", "shapes", "matched"} and row["page"] == "A01"
        for shape in row["shapes"]:
            assert shape["type"] in ("rect", "polygon")
            assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in shape["points"])
        if row["article"] in stories:
            story = stories[row["article"]]
            assert iou(story.region(), row["shapes"], aspect=layout.width / layout.height) >= 0.9
    assert next(r for r in rows if r["article"] == missing.pk)["shapes"] == []
    assert "版面上没有的稿件" in err and "未找到" in err
    assert not Article.objects.exclude(hot_areas=[]).exists()


def test_apply_stores_the_areas_and_leaves_articles_with_areas_alone_unless_replace(printed):
    _, stories, _, _ = printed
    kept = Article.objects.get(pk=next(iter(stories)))
    mine = [{"type": "rect", "points": [[0.1, 0.1], [0.2, 0.2]]}]
    Article.objects.filter(pk=kept.pk).update(hot_areas=mine)
    version = Article.objects.get(pk=next(iter(list(stories)[1:]))).version

    out, err = run(DAY.isoformat(), "--page", "a1", "--apply")
    assert "已设置" in out
    assert Article.objects.get(pk=kept.pk).hot_areas == mine
    assert "已有热区，未动" in err
    other = Article.objects.get(pk=list(stories)[1])
    assert other.hot_areas and other.version > version

    run(DAY.isoformat(), "--apply", "--replace")
    assert Article.objects.get(pk=kept.pk).hot_areas != mine


def test_without_apply_it_says_what_it_would_set(printed):
    out, _ = run(DAY.isoformat())
    assert "将设置" in out and "未加 --apply，没有改动任何稿件。" in out
    assert not Article.objects.exclude(hot_areas=[]).exists()


def test_a_missing_issue_or_page_is_an_error(printed):
    with pytest.raises(CommandError, match="没有 2020-01-01 这一期"):
        run("2020-01-01")
    with pytest.raises(CommandError, match="没有第B09版"):
        run(DAY.isoformat(), "--page", "B9")
