"""Hot areas suggested from the page PDF cover each story where it is printed."""

import pytest

from articles.hotareas.geometry import iou, outline
from articles.hotareas.match import key, suggest

PAGES = [("classic", "cff"), ("classic", "truetype"), ("five", "truetype"), ("briefs", "cff"), ("feature", "cff")]


def suggestions(generated, layout, font):
    data, page = generated(layout, font)
    found = {s["article"]: s for s in suggest(data, [story.record() for story in page.stories])}
    return page, found


@pytest.mark.parametrize("layout, font", PAGES)
def test_every_story_is_found_where_it_is_printed(generated, layout, font):
    page, found = suggestions(generated, layout, font)
    for story in page.stories:
        overlap = iou(story.region(), found[story.id]["shapes"], aspect=page.width / page.height)
        assert overlap >= 0.9, (story.id, story.shape, overlap)
        assert found[story.id]["matched"] >= 0.95


@pytest.mark.parametrize("layout", ["classic", "five", "feature"])
def test_an_l_shaped_story_is_one_polygon(generated, layout):
    page, found = suggestions(generated, layout, "cff")
    story = next(s for s in page.stories if s.shape == "polygon")
    shapes = found[story.id]["shapes"]
    assert [s["type"] for s in shapes] == ["polygon"]
    assert len(shapes[0]["points"]) == 6


@pytest.mark.parametrize("layout", ["classic", "briefs"])
def test_a_story_printed_in_two_blocks_gets_two_areas(generated, layout):
    page, found = suggestions(generated, layout, "cff")
    story = next(s for s in page.stories if s.shape == "blocks")
    assert [s["type"] for s in found[story.id]["shapes"]] == ["rect", "rect"]


def test_shapes_are_page_fractions_from_the_top_left(generated):
    page, found = suggestions(generated, "classic", "cff")
    lead = found[1]["shapes"]
    assert lead[0]["type"] == "rect"
    (x0, y0), (x1, y1) = lead[0]["points"]
    x0_pt, y0_pt, x1_pt, y1_pt = page.stories[0].rects[0]
    assert (x0, y0) == pytest.approx((x0_pt / page.width, y0_pt / page.height), abs=0.005)
    assert (x1, y1) == pytest.approx((x1_pt / page.width, y1_pt / page.height), abs=0.005)
    for suggestion in found.values():
        for shape in suggestion["shapes"]:
            assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in shape["points"])


def test_an_article_that_is_not_on_the_page_gets_no_area(generated):
    data, page = generated("classic", "cff")
    absent = {
        "id": 99,
        "headline": "职工合唱团唱响新时代",
        "body": "市总工会职工合唱团昨晚在文化宫举行专场音乐会，演唱曲目二十首。",
    }
    result = suggest(data, [absent, page.stories[3].record()])
    assert result[0] == {"article": 99, "shapes": [], "matched": 0.0}
    assert result[1]["shapes"]


def test_the_record_may_differ_from_the_print_in_punctuation_digits_and_spaced_names():
    assert key("（记者 刘 飞）２０２６年，职工“技能”比武") == key('(记者刘飞)2026年,职工"技能"比武')
    assert key("ＡＢＣ工会") == "abc工会"


def test_the_union_of_two_touching_boxes_is_a_polygon_and_a_full_box_a_rectangle():
    ell = outline([(0, 0, 4, 2), (0, 2, 2, 5)])
    assert ell == {"type": "polygon", "points": [[0, 0], [4, 0], [4, 2], [2, 2], [2, 5], [0, 5]]}
    columns = outline([(0, 0, 1, 5), (1.2, 0, 2.2, 5)], close_x=0.5)
    assert columns == {"type": "rect", "points": [[0, 0], [2.2, 5]]}


def test_iou_of_a_shape_with_itself_is_one_and_with_its_half_a_half():
    whole = [{"type": "rect", "points": [[0.1, 0.1], [0.5, 0.5]]}]
    half = [{"type": "rect", "points": [[0.1, 0.1], [0.3, 0.5]]}]
    assert iou(whole, whole) == 1.0
    assert iou(whole, half) == pytest.approx(0.5, abs=0.01)


@pytest.mark.browser
@pytest.mark.parametrize("font", ["cff", "truetype"])
def test_pages_printed_by_chromium_are_matched_too(browser, font):
    """Chromium (Skia) embeds the OpenType/CFF fonts as Type 3, WenQuanYi as TrueType CID."""
    import io

    from tests.pdfpages.generate import page_pdf
    from unionpaper.uploads import inspect_pdf

    def check_pdf(data):
        return inspect_pdf(io.BytesIO(data))

    data, page = page_pdf("classic", font=font, seed=5, producer="chromium", browser=browser)
    assert check_pdf(data) == 1  # one page, and nothing the upload check refuses
    found = {s["article"]: s for s in suggest(data, [story.record() for story in page.stories])}
    for story in page.stories:
        assert iou(story.region(), found[story.id]["shapes"], aspect=page.width / page.height) >= 0.9, story.id


def test_a_record_edited_after_layout_is_still_found(generated):
    data, page = generated("classic", "truetype")
    records = []
    for story in page.stories:
        record = story.record()
        body = list(record["body"])
        for n in range(5, len(body), 12):  # one character in about every line
            body[n] = "改" if body[n] != "改" else "动"
        record["body"] = "".join(body) + "（本报记者补充：此段见报时删去。）"
        records.append(record)
    found = {s["article"]: s for s in suggest(data, records)}
    for story in page.stories:
        assert iou(story.region(), found[story.id]["shapes"], aspect=page.width / page.height) >= 0.9, story.id
        assert 0.5 < found[story.id]["matched"] < 1


def test_a_photo_set_into_a_story_is_part_of_its_area():
    bitten = outline([(0, 0, 1, 10), (1.2, 0, 2.2, 3), (1.2, 6, 2.2, 10)], close_x=0.5)
    assert bitten == {"type": "rect", "points": [[0, 0], [2.2, 10]]}
    holed = outline([(0, 0, 1, 10), (1.2, 0, 2.2, 3), (1.2, 6, 2.2, 10), (2.4, 0, 3.4, 10)], close_x=0.5)
    assert holed["type"] == "rect"


def test_the_second_story_with_its_inset_photo_is_one_rectangle(generated):
    page, found = suggestions(generated, "classic", "truetype")
    assert len(page.photos) == 2  # the lead's photo, and the one set into the second story's last column
    assert [s["type"] for s in found[2]["shapes"]] == ["rect"]
