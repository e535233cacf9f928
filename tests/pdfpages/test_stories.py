"""A region of a born-digital page gives a draft story with the text as printed."""

import pytest

from articles.hotareas.extract import page_text
from articles.hotareas.match import key
from articles.hotareas.stories import story_from_region


@pytest.mark.parametrize("layout, font", [("classic", "cff"), ("briefs", "truetype"), ("feature", "cff")])
def test_each_story_region_gives_its_headings_byline_and_paragraphs(generated, layout, font):
    data, page = generated(layout, font)
    text = page_text(data)
    for story in page.stories:
        draft = story_from_region(text, story.region())
        assert draft["headline"] == story.headline
        assert draft["kicker"] == story.kicker
        assert draft["subtitle"] == story.subtitle
        assert key(draft["byline"]) == key(story.byline)
        assert len(draft["paragraphs"]) == len(story.body.split("\n"))
        assert key(draft["body"]) == key(story.body)


def test_lines_of_one_paragraph_join_without_spaces_and_keep_printed_punctuation(generated):
    data, page = generated("classic", "cff")
    story = page.stories[1]
    draft = story_from_region(page_text(data), story.region())
    first_printed = [line.text for line in story.printed if line.role == "body"][1:4]
    assert "".join(first_printed).replace(" ", "") in draft["paragraphs"][0].replace(" ", "")
    assert "\n" not in draft["paragraphs"][0]


def test_a_polygon_region_takes_only_what_lies_inside(generated):
    data, page = generated("classic", "cff")
    ell = next(s for s in page.stories if s.shape == "polygon")
    (x0, y0, x1, y1), (_, _, x2, y2) = ell.rects
    w, h = page.width, page.height
    polygon = {
        "type": "polygon",
        "points": [
            [x0 / w, y0 / h],
            [x1 / w, y0 / h],
            [x1 / w, y1 / h],
            [x2 / w, y1 / h],
            [x2 / w, y2 / h],
            [x0 / w, y2 / h],
        ],
    }
    draft = story_from_region(page_text(data), [polygon])
    assert key(draft["body"]) == key(ell.body)


def test_an_empty_region_gives_an_empty_draft(generated):
    data, _ = generated("classic", "cff")
    draft = story_from_region(page_text(data), [{"type": "rect", "points": [[0.4, 0.97], [0.6, 0.98]]}])
    assert draft["headline"] == "" and draft["paragraphs"] == []
