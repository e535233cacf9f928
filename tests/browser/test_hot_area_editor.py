"""The page form's hot-area editor in a real browser (Chromium): mouse, keyboard and touch, saved with the form.

An editor draws a rectangle and a polygon over the scan, gives the polygon
to another article, saves; the reader's page then links each shape to its
article. The same from the keyboard alone, and with a finger. A form whose
article was changed meanwhile is refused and keeps the drawing. 自动识别热区
proposes the areas of a generated page PDF, which are accepted and saved;
a region drawn over a story starts a draft with that story's text.
"""

import datetime
import html
import json
import os
import re

import pytest
import reversion
from django.core.files.base import ContentFile
from django.utils import timezone

from articles.hotareas import service
from articles.hotareas.geometry import iou
from articles.hotareas.match import key
from articles.hotareas.shapes import clean_shapes
from articles.models import Article
from issues.models import Issue
from tests.a11y import axe_violations, describe
from tests.admin_browser import log_in
from tests.factories import make_article, make_issue, make_page, png_bytes
from tests.pdfpages.generate import cached_page_pdf
from unionpaper.publishing import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.date(2024, 5, 1)
SCREEN = {"width": 1366, "height": 900}


@pytest.fixture
def scanned_page(db):
    with reversion.create_revision():
        page = make_page(make_issue(DAY, published=False), "A01")
        page.image.save("scan.png", ContentFile(png_bytes(1200, 1800, color=(235, 230, 220))), save=False)
        page.save()
        first = make_article(page, headline="职工书屋开进车间", order=1, published=False)
        second = make_article(page, headline="劳模工作室揭牌", order=2, published=False)
    return page, first, second


def open_form(browser, live_server, user, page, **context):
    tab = log_in(browser.new_context(viewport=SCREEN, locale="zh-CN", **context), live_server.url, user)
    problems = []
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.goto(f"{live_server.url}/admin/issues/page/{page.pk}/change/")
    tab.wait_for_selector("#hot-area-editor.hae-ready")
    tab.locator(".hae-viewport").scroll_into_view_if_needed()
    tab.problems = problems
    return tab


def at(tab, fx, fy):
    """Return the screen point at fractions ``fx``, ``fy`` of the scan as shown."""
    box = tab.locator("#hot-area-editor .hae-scan").bounding_box()
    return box["x"] + fx * box["width"], box["y"] + fy * box["height"]


def show(tab, fy):
    """Scroll the scan's view (and the page) so that the height ``fy`` of the scan is in sight."""
    tab.eval_on_selector(".hae-viewport", "(v, fy) => { v.scrollTop = fy * v.scrollHeight - v.clientHeight / 2; }", fy)
    tab.locator(".hae-viewport").scroll_into_view_if_needed()


def drag(tab, start, end):
    show(tab, (start[1] + end[1]) / 2)
    (ax, ay), (bx, by) = at(tab, *start), at(tab, *end)
    tab.mouse.move(ax, ay)
    tab.mouse.down()
    for n in range(1, 11):  # at a hand's pace: a press shorter than a quarter second is a click
        tab.mouse.move(ax + (bx - ax) * n / 10, ay + (by - ay) * n / 10)
        tab.wait_for_timeout(30)
    tab.mouse.up()


def click_polygon(tab, points):
    for point in [*points, points[0]]:
        tab.mouse.click(*at(tab, *point))
        tab.wait_for_timeout(350)  # separate clicks, not a double click


def areas_box(tab, article):
    """Return the shapes in ``article``'s hidden box on the form."""
    name = tab.evaluate(
        """id => {
            const row = Array.from(document.querySelectorAll("input[name^='articles-'][name$='-id']"))
                .find(i => i.value === String(id));
            return row.name.replace(/-id$/, "-hot_areas");
        }""",
        article.pk,
    )
    return json.loads(tab.input_value(f"input[name='{name}']"))


def close(shapes, expected, tolerance=0.01):
    """Return True when ``shapes`` are ``expected`` (type and points) within ``tolerance`` of the page."""
    if len(shapes) != len(expected):
        return False
    for got, want in zip(shapes, expected, strict=True):
        if got["type"] != want["type"] or len(got["points"]) != len(want["points"]):
            return False
        for (gx, gy), (wx, wy) in zip(got["points"], want["points"], strict=True):
            if abs(gx - wx) > tolerance or abs(gy - wy) > tolerance:
                return False
    return True


def said(tab, words):
    """Wait until the status line (announced to screen readers) says ``words``."""
    tab.locator(".hae-status", has_text=words).wait_for(timeout=5000)


def eventually(tab, script, arg=None, tries=50):
    """Return once ``script`` (a function evaluated in the page) is true; the page's policy forbids polled strings."""
    for _ in range(tries):
        if tab.evaluate(script, arg):
            return True
        tab.wait_for_timeout(100)
    raise AssertionError(f"never true: {script}")


def save(tab):
    tab.click("input[name=_continue]")
    tab.wait_for_load_state()


def publish(page):
    when = timezone.now() - datetime.timedelta(hours=1)
    Issue.objects.filter(pk=page.issue_id).update(status=Status.PUBLISHED, publish_at=when)
    Article.objects.filter(page=page).update(status=Status.PUBLISHED, publish_at=when)


RECT = {"type": "rect", "points": [[0.1, 0.1], [0.5, 0.3]]}
L_SHAPE = [(0.55, 0.1), (0.9, 0.1), (0.9, 0.5), (0.55, 0.3)]


def test_mouse_draws_a_rectangle_and_a_polygon_gives_one_to_another_article_and_the_reader_links_them(
    browser, live_server, editor, scanned_page, artifacts_dir
):
    page, first, second = scanned_page
    tab = open_form(browser, live_server, editor, page)
    # New shapes go to the first article until another is chosen.
    assert tab.is_checked(f"input[name=hae-current][value='{first.pk}']")

    tab.click("button.hae-tool[data-tool=rect]")
    drag(tab, (0.1, 0.1), (0.5, 0.3))
    tab.click("button.hae-tool[data-tool=polygon]")
    click_polygon(tab, L_SHAPE)
    polygon = {"type": "polygon", "points": [list(p) for p in L_SHAPE]}
    assert close(areas_box(tab, first), [RECT, polygon])
    said(tab, "已画出《职工书屋开进车间》的热区 2（多边形（4 个顶点））")

    # Select the polygon on the scan and give it to the second article.
    tab.click("button.hae-tool[data-tool=select]")
    tab.mouse.click(*at(tab, 0.8, 0.2))
    tab.wait_for_selector(".hae-selection:not([hidden])")
    assert "《职工书屋开进车间》的热区 2" in tab.inner_text(".hae-selection-label")
    tab.select_option("#hae-assign", str(second.pk))
    assert close(areas_box(tab, first), [RECT]) and close(areas_box(tab, second), [polygon])
    said(tab, "已改属：《劳模工作室揭牌》的热区 1")
    tab.screenshot(path=os.path.join(artifacts_dir, "hot-area-editor-drawn.png"))

    save(tab)
    assert "成功" in tab.inner_text("ul.messagelist")
    assert close(Article.objects.get(pk=first.pk).hot_areas, [RECT])
    assert close(Article.objects.get(pk=second.pk).hot_areas, [polygon])
    # The form shown again draws what was saved.
    tab.wait_for_selector("#hot-area-editor.hae-ready")
    assert tab.locator(".hae-panel .hae-shape").count() == 2
    assert not tab.problems, tab.problems

    publish(page)
    reader = browser.new_context(viewport=SCREEN).new_page()
    reader.goto(f"{live_server.url}{page.get_absolute_url()}")
    assert reader.locator(f"svg.scan-areas a.area[href='/articles/{first.pk}/'] rect").count() == 1
    assert reader.locator(f"svg.scan-areas a.area[href='/articles/{first.pk}/'] polygon").count() == 0
    assert reader.locator(f"svg.scan-areas a.area[href='/articles/{second.pk}/'] polygon").count() == 1
    assert reader.get_attribute(f"a.area[href='/articles/{second.pk}/']", "aria-label") == "劳模工作室揭牌"


def test_the_keyboard_alone_adds_moves_resizes_reassigns_deletes_and_saves(
    browser, live_server, editor, scanned_page, artifacts_dir
):
    page, first, second = scanned_page
    tab = open_form(browser, live_server, editor, page)
    tab.focus("button.hae-add-rect")
    tab.keyboard.press("Enter")
    shape = tab.locator(".hae-panel button.hae-shape").first
    # The new rectangle is selected, its button has the focus and says what and where it is.
    eventually(tab, "() => document.activeElement.matches('.hae-panel button.hae-shape')")
    assert shape.get_attribute("aria-pressed") == "true"
    assert "热区 1 · 矩形" in shape.inner_text() and "宽 20%，高 10%" in shape.inner_text()
    outline = shape.evaluate("b => getComputedStyle(b).outlineStyle + ' ' + getComputedStyle(b).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px"), outline  # focus is visible
    (x0, y0), (x1, y1) = areas_box(tab, first)[0]["points"]

    for _ in range(4):
        tab.keyboard.press("ArrowRight")
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("Shift+ArrowRight")
    tab.keyboard.press("Shift+ArrowDown")
    tab.keyboard.press("Shift+ArrowDown")
    tab.keyboard.press("Alt+ArrowLeft")
    tab.wait_for_timeout(200)
    moved = areas_box(tab, first)
    expected = {"type": "rect", "points": [[x0 + 0.019, y0 + 0.005], [x1 + 0.024, y1 + 0.015]]}
    assert close(moved, [expected], tolerance=0.0002), moved
    said(tab, "已移动")
    said(tab, "《职工书屋开进车间》的热区 1（矩形）")
    # Focus stayed on the shape through every key.
    assert tab.evaluate("document.activeElement.classList.contains('hae-shape')")

    # Reassign from the keyboard: the 归属稿件 box, then back to the shape.
    tab.focus("#hae-assign")
    tab.keyboard.press("ArrowDown")
    tab.wait_for_timeout(200)
    assert areas_box(tab, first) == [] and close(areas_box(tab, second), [expected], tolerance=0.0002)

    # A second rectangle, deleted again.
    tab.focus("button.hae-add-rect")
    tab.keyboard.press("Enter")
    assert len(areas_box(tab, first)) == 1
    tab.keyboard.press("Delete")
    tab.wait_for_timeout(200)
    assert areas_box(tab, first) == []
    said(tab, "已删除")
    tab.screenshot(path=os.path.join(artifacts_dir, "hot-area-editor-keyboard.png"))

    tab.focus("input[name=_continue]")
    tab.keyboard.press("Enter")
    tab.wait_for_load_state()
    tab.wait_for_selector("#hot-area-editor.hae-ready")
    assert Article.objects.get(pk=first.pk).hot_areas == []
    assert close(Article.objects.get(pk=second.pk).hot_areas, [expected], tolerance=0.0002)
    assert not tab.problems, tab.problems


def touch_drag(tab, start, end, steps=8):
    cdp = tab.context.new_cdp_session(tab)
    (ax, ay), (bx, by) = at(tab, *start), at(tab, *end)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": ax, "y": ay}]})
    for n in range(1, steps + 1):
        x, y = ax + (bx - ax) * n / steps, ay + (by - ay) * n / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        tab.wait_for_timeout(20)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_a_finger_draws_a_rectangle_on_a_touch_screen(browser, live_server, editor, scanned_page):
    page, first, _ = scanned_page
    tab = open_form(browser, live_server, editor, page, has_touch=True)
    tab.tap("button.hae-tool[data-tool=rect]")
    touch_drag(tab, (0.2, 0.4), (0.6, 0.7))
    tab.wait_for_timeout(300)
    assert close(areas_box(tab, first), [{"type": "rect", "points": [[0.2, 0.4], [0.6, 0.7]]}])
    save(tab)
    assert close(Article.objects.get(pk=first.pk).hot_areas, [{"type": "rect", "points": [[0.2, 0.4], [0.6, 0.7]]}])


def test_a_form_whose_article_changed_meanwhile_is_refused_and_keeps_the_drawing(
    browser, live_server, editor, chief, scanned_page
):
    page, first, _ = scanned_page
    tab = open_form(browser, live_server, editor, page)
    tab.click("button.hae-tool[data-tool=rect]")
    drag(tab, (0.1, 0.1), (0.5, 0.3))
    # Meanwhile the 总编 renames the article on its own form.
    with reversion.create_revision():
        colleague = Article.objects.get(pk=first.pk)
        colleague.headline = "职工书屋开进三号车间"
        colleague.save()
        reversion.set_user(chief)

    save(tab)

    conflict = tab.inner_text("#concurrency-conflict")
    assert "未保存" in conflict and "主标题：“职工书屋开进车间” → “职工书屋开进三号车间”（zhoumin，" in conflict
    assert Article.objects.get(pk=first.pk).hot_areas == []
    tab.wait_for_selector("#hot-area-editor.hae-ready")
    assert close(areas_box(tab, first), [RECT])  # the drawing is still there, on the scan and in the list
    assert tab.locator(".hae-panel .hae-shape").count() == 1

    tab.click("button[name=_reapply]")
    tab.wait_for_load_state()
    first.refresh_from_db()
    assert first.headline == "职工书屋开进三号车间" and close(first.hot_areas, [RECT])


@pytest.fixture
def printed_page(db):
    """A draft page whose PDF is a generated page (scan rendered from it), an article per story, one not printed."""
    data, layout = cached_page_pdf("classic", "cff", 0)
    with reversion.create_revision():
        page = make_page(make_issue(DAY, published=False), "A01")
        page.pdf = ContentFile(data, name="A01.pdf")
        page.save()
        stories = {}
        for n, story in enumerate(layout.stories[:-1]):  # the last story has no article yet
            body = "".join(f"<p>{html.escape(p)}</p>" for p in story.body.split("\n"))
            article = make_article(
                page,
                order=n,
                kicker=story.kicker,
                headline=story.headline,
                subtitle=story.subtitle,
                byline=story.byline,
                body=body,
                published=False,
            )
            stories[article.pk] = story
        missing = make_article(
            page, order=99, headline="版面上没有的稿件", body="<p>没有印在这版。</p>", published=False
        )
    return page, stories, layout, missing


def test_suggested_areas_are_shown_accepted_or_rejected_and_saved(
    browser, live_server, editor, printed_page, artifacts_dir
):
    page, stories, layout, missing = printed_page
    tab = open_form(browser, live_server, editor, page)
    tab.click("button.hae-suggest")
    tab.wait_for_selector(".hae-proposal")
    assert tab.locator(".hae-proposal").count() == len(stories)
    assert "版面上没有的稿件" in tab.inner_text(".hae-not-found")
    said(tab, "虚线")
    # Nothing is in the boxes until accepted.
    assert all(areas_box(tab, Article(pk=pk)) == [] for pk in stories)
    tab.screenshot(path=os.path.join(artifacts_dir, "hot-area-editor-suggestions.png"))

    rejected, *accepted = list(stories)
    tab.click(f".hae-reject[data-article='{rejected}']")
    tab.click(".hae-accept-all")
    assert tab.locator(".hae-proposal").count() == 0
    save(tab)

    assert Article.objects.get(pk=rejected).hot_areas == []
    assert Article.objects.get(pk=missing.pk).hot_areas == []
    # What was accepted is saved as proposed (a stored article's areas are what the editor saw).
    proposed = {p["article"]: p["shapes"] for p in service.editor_proposals(page, page.articles.all())["proposals"]}
    for pk in accepted:
        assert close(Article.objects.get(pk=pk).hot_areas, clean_shapes(proposed[pk]), tolerance=0.0001), pk
    aspect = layout.width / layout.height
    good = [pk for pk in accepted if iou(stories[pk].region(), proposed[pk], aspect=aspect) >= 0.9]
    assert len(good) >= len(accepted) - 1  # the story printed around the one with no article may take in its lines


def test_a_region_drawn_over_a_story_starts_a_draft_with_its_text(browser, live_server, editor, printed_page):
    page, _, layout, _ = printed_page
    story = layout.stories[-1]
    (x0, y0), (x1, y1) = story.region()[0]["points"]
    assert story.shape == "rect"
    tab = open_form(browser, live_server, editor, page)
    tab.check("input[name=hae-current][value='']")  # 未分配: a region that is no article's yet
    tab.click("button.hae-tool[data-tool=rect]")
    drag(tab, (x0 + 0.002, y0 + 0.002), (x1 - 0.002, y1 - 0.002))
    tab.wait_for_selector("button.hae-story:enabled", timeout=3000)
    tab.click("button.hae-story")
    said(tab, "已新建草稿")

    article = Article.objects.get(headline=story.headline)
    assert (article.page_id, article.status, article.created_by) == (page.pk, Status.DRAFT, editor)
    assert key(article.plain_text) == key(story.body)
    # The region is the draft's area in the editor at once, selected and adjustable like any other;
    # it is written with the page, as every area is.
    new = tab.locator(f".hae-article[data-article='{article.pk}']")
    assert story.headline in new.inner_text() and new.locator("a", has_text="打开新稿件").count() == 1
    assert new.locator("button.hae-shape[aria-pressed=true]").count() == 1
    assert tab.locator(".hae-unassigned button.hae-shape").count() == 0
    assert [row["article"] for row in drafts_box(tab)] == [article.pk]
    assert article.hot_areas == []

    # Saved, the page lists the new article in its table and its area in the editor, to adjust like the others.
    save(tab)
    assert "成功" in tab.inner_text("ul.messagelist")
    tab.wait_for_selector("#hot-area-editor.hae-ready")
    assert tab.locator(f".hae-article[data-article='{article.pk}'] button.hae-shape").count() == 1
    assert iou(story.region(), Article.objects.get(pk=article.pk).hot_areas, aspect=layout.width / layout.height) > 0.95
    assert drafts_box(tab) == []
    assert not tab.problems, tab.problems


def drafts_box(tab):
    """Return what the page form's box for drafts started from regions holds."""
    return json.loads(tab.input_value("#id_new_draft_areas") or "[]")


def test_a_region_taken_from_an_article_is_the_new_drafts_alone_and_nothing_is_on_two_articles_unsaved(
    browser, live_server, editor, printed_page, artifacts_dir
):
    page, stories, layout, _ = printed_page
    story = layout.stories[-1]  # printed, with no article yet
    owner = next(iter(stories))
    own = stories[owner].region()
    # Its area was drawn over the story beside it too, by mistake.
    Article.objects.filter(pk=owner).update(hot_areas=clean_shapes(own + story.region()))
    tab = open_form(browser, live_server, editor, page)
    mine = tab.locator(f".hae-article[data-article='{owner}'] button.hae-shape")
    assert mine.count() == 2
    mine.nth(1).click()
    tab.click("button.hae-story")
    said(tab, "已新建草稿")
    said(tab, "已从《")

    draft = Article.objects.get(headline=story.headline)
    # In the editor: the region is the draft's (selected, with the focus), and no longer the owner's.
    new = tab.locator(f".hae-article[data-article='{draft.pk}'] button.hae-shape")
    assert new.count() == 1 and new.get_attribute("aria-pressed") == "true"
    assert tab.evaluate("document.activeElement.matches('.hae-article button.hae-shape[aria-pressed=true]')")
    assert mine.count() == 1
    assert close(areas_box(tab, Article(pk=owner)), clean_shapes(own), tolerance=0.001)
    moved = drafts_box(tab)
    assert [row["article"] for row in moved] == [draft.pk]
    assert close(moved[0]["shapes"], clean_shapes(story.region()), tolerance=0.001)
    tab.screenshot(path=os.path.join(artifacts_dir, "hot-area-editor-story-moved.png"))
    # In the database, until the page is saved: the owner keeps it, the draft has none; never both.
    assert len(Article.objects.get(pk=owner).hot_areas) == 2 and Article.objects.get(pk=draft.pk).hot_areas == []

    # Never saved (another tab opens the page): each area on one article, the draft without one to draw.
    other = tab.context.new_page()
    other.goto(f"{live_server.url}/admin/issues/page/{page.pk}/change/")
    other.wait_for_selector("#hot-area-editor.hae-ready")
    assert other.locator(f".hae-article[data-article='{owner}'] button.hae-shape").count() == 2
    assert other.locator(f".hae-article[data-article='{draft.pk}'] .hae-count").inner_text() == "没有热区"
    other.close()

    save(tab)
    assert "成功" in tab.inner_text("ul.messagelist")
    assert close(Article.objects.get(pk=owner).hot_areas, clean_shapes(own), tolerance=0.001)
    assert iou(story.region(), Article.objects.get(pk=draft.pk).hot_areas, aspect=layout.width / layout.height) > 0.99
    tab.wait_for_selector("#hot-area-editor.hae-ready")
    assert tab.locator(f".hae-article[data-article='{draft.pk}'] button.hae-shape").count() == 1
    assert not tab.problems, tab.problems


def test_a_save_with_areas_left_unassigned_or_proposals_waiting_stops_says_which_and_writes_nothing(
    browser, live_server, editor, printed_page, artifacts_dir
):
    page, stories, _, missing = printed_page
    tab = open_form(browser, live_server, editor, page)
    tab.check("input[name=hae-current][value='']")
    tab.click("button.hae-tool[data-tool=rect]")
    drag(tab, (0.05, 0.005), (0.3, 0.02))
    drag(tab, (0.6, 0.005), (0.9, 0.02))
    tab.click("button.hae-tool[data-tool=select]")
    tab.click("button.hae-suggest")
    tab.wait_for_selector(".hae-proposal")
    waiting, *accepted = list(stories)
    for pk in accepted:
        tab.click(f".hae-accept[data-article='{pk}']")
    assert tab.locator(".hae-proposal").count() == 1
    form_url = tab.url

    tab.click("input[name=_continue]")

    summary = tab.locator(".hae-unsettled")
    summary.wait_for()
    words = "还有 2 个区域未指定稿件、1 条自动识别建议未处理：请指定稿件、采用或删除后再保存"
    assert words in summary.inner_text()
    assert tab.evaluate("document.activeElement.classList.contains('hae-unsettled')")  # the focus is on it
    items = summary.locator("button.hae-unsettled-item")
    assert items.count() == 3
    assert items.nth(0).inner_text().startswith("未分配的热区 1（矩形）")
    title = Article.objects.get(pk=waiting).title
    assert items.nth(2).inner_text().startswith(f"《{title}》的自动识别建议")
    assert tab.url == form_url and tab.locator("ul.messagelist").count() == 0  # not sent
    assert not Article.objects.exclude(hot_areas=[]).exists()
    assert not tab.problems, tab.problems
    found = axe_violations(tab, include="#hot-area-editor")
    assert not found, describe(found)
    tab.problems.clear()  # axe's own probes set inline styles, which the admin's policy refuses
    tab.screenshot(path=os.path.join(artifacts_dir, "hot-area-editor-unsettled.png"))

    # From the keyboard: the first item takes the focus to its shape, which Delete removes.
    tab.keyboard.press("Tab")
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.matches('.hae-unassigned button.hae-shape[aria-pressed=true]')")
    tab.keyboard.press("Delete")
    tab.locator(".hae-unsettled-title", has_text="还有 1 个区域未指定稿件、1 条自动识别建议未处理").wait_for()
    # The other one goes to the article not printed; only the waiting proposal is left.
    tab.locator(".hae-unassigned button.hae-shape").focus()
    tab.select_option("#hae-assign", str(missing.pk))
    tab.locator(".hae-unsettled-title", has_text="还有 1 条自动识别建议未处理").wait_for()
    # Esc puts the list away and the focus on what is left; another save brings it back.
    tab.locator(".hae-unsettled").focus()
    tab.keyboard.press("Escape")
    assert summary.is_hidden()
    assert tab.evaluate(f"document.activeElement.matches('.hae-accept[data-article=\"{waiting}\"]')")
    tab.click("input[name=_continue]")
    summary.wait_for()
    assert tab.evaluate("document.activeElement.classList.contains('hae-unsettled')")

    # 放弃这些区域并保存: the waiting proposal is dropped, the rest saved with the button pressed first.
    tab.locator(".hae-discard-save").focus()
    tab.keyboard.press("Enter")
    tab.wait_for_url(form_url)
    tab.wait_for_selector("#hot-area-editor.hae-ready")
    assert "成功" in tab.inner_text("ul.messagelist")  # 保存并继续编辑: back on the form
    assert Article.objects.get(pk=waiting).hot_areas == []
    assert all(Article.objects.get(pk=pk).hot_areas for pk in accepted)
    assigned = [{"type": "rect", "points": [[0.6, 0.005], [0.9, 0.02]]}]
    assert close(Article.objects.get(pk=missing.pk).hot_areas, assigned)
    assert not tab.problems, tab.problems


def test_nothing_left_unsettled_saves_at_once(browser, live_server, editor, scanned_page):
    page, first, _ = scanned_page
    tab = open_form(browser, live_server, editor, page)
    tab.check("input[name=hae-current][value='']")
    tab.click("button.hae-tool[data-tool=rect]")
    drag(tab, (0.1, 0.1), (0.5, 0.3))
    tab.click("input[name=_continue]")
    tab.locator(".hae-unsettled").wait_for()
    # Given to an article, nothing is left: the list says so and goes, and the save goes through.
    tab.locator(".hae-unassigned button.hae-shape").focus()
    tab.select_option("#hae-assign", str(first.pk))
    done = tab.locator(".hae-unsettled [aria-live=polite]", has_text="未分配的区域和自动识别建议都已处理，可以保存了。")
    done.wait_for()
    assert tab.locator(".hae-discard-save").is_hidden() and tab.locator(".hae-unsettled-item").count() == 0
    save(tab)
    assert "成功" in tab.inner_text("ul.messagelist")
    assert close(Article.objects.get(pk=first.pk).hot_areas, [RECT])


def leave(tab, asked, *, expect_question):
    """Follow the breadcrumbs' link to the page list, the question (if any) answered 留下; check what happened."""
    before, here = len(asked), tab.url
    tab.click(".breadcrumbs a >> nth=-1")
    if expect_question:
        for _ in range(50):
            if len(asked) > before:
                break
            tab.wait_for_timeout(100)
        assert asked[before:] == ["beforeunload"], asked
        tab.wait_for_timeout(200)
        assert tab.url == here  # stayed
    else:
        tab.wait_for_url("**/admin/issues/page/")
        assert len(asked) == before, asked


def test_leaving_with_changes_not_saved_asks_first_and_a_save_clears_it(browser, live_server, editor, scanned_page):
    page, first, _ = scanned_page
    Article.objects.filter(pk=first.pk).update(hot_areas=[RECT])
    tab = open_form(browser, live_server, editor, page)
    asked = []
    tab.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    form_url = tab.url

    tab.click(".hae-panel button.hae-shape")  # looked at, not changed
    leave(tab, asked, expect_question=False)

    tab.goto(form_url)
    tab.wait_for_selector("#hot-area-editor.hae-ready")
    tab.check("input[name=hae-current][value='']")
    tab.click("button.hae-tool[data-tool=rect]")
    drag(tab, (0.5, 0.5), (0.7, 0.6))  # under 未分配: in no box, and lost if the page is left
    leave(tab, asked, expect_question=True)
    assert tab.locator(".hae-unassigned button.hae-shape").count() == 1  # stayed, the drawing with it

    tab.locator(".hae-unassigned button.hae-shape").focus()
    tab.keyboard.press("Delete")
    assert not tab.evaluate("() => document.querySelector('.hae-unassigned button.hae-shape') !== null")
    tab.locator(f".hae-article[data-article='{first.pk}'] button.hae-shape").focus()
    tab.keyboard.press("Delete")  # a saved area deleted
    said(tab, "已删除")
    leave(tab, asked, expect_question=True)
    assert Article.objects.get(pk=first.pk).hot_areas == [RECT]

    save(tab)
    tab.wait_for_selector("#hot-area-editor.hae-ready")
    assert Article.objects.get(pk=first.pk).hot_areas == []
    leave(tab, asked, expect_question=False)  # saved: nothing to ask about
    assert asked == ["beforeunload", "beforeunload"]


def test_a_form_refused_as_stale_asks_before_it_is_left(browser, live_server, editor, chief, scanned_page):
    page, first, _ = scanned_page
    tab = open_form(browser, live_server, editor, page)
    asked = []
    tab.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    tab.click("button.hae-tool[data-tool=rect]")
    drag(tab, (0.1, 0.1), (0.5, 0.3))
    with reversion.create_revision():
        colleague = Article.objects.get(pk=first.pk)
        colleague.headline = "职工书屋开进三号车间"
        colleague.save()
        reversion.set_user(chief)
    save(tab)
    tab.wait_for_selector("#concurrency-conflict")
    tab.wait_for_selector("#hot-area-editor.hae-ready")
    tab.click(".hae-panel button.hae-shape")
    # The drawing came back in the form, not in the database: leaving it asks.
    leave(tab, asked, expect_question=True)


def controls(tab):
    """Return every visible control of the editor with its box: [(what, x, y, width, height)]."""
    return tab.evaluate(
        """() => Array.from(document.querySelectorAll(
                '#hot-area-editor button, #hot-area-editor select, #hot-area-editor .hae-pick,'
                + ' #hot-area-editor a, #hot-area-editor summary'))
            .filter(e => e.offsetParent !== null || getComputedStyle(e).position === 'fixed')
            .map(e => {
                const r = e.getBoundingClientRect();
                const what = (e.className || e.tagName) + " " + e.textContent.trim().slice(0, 12);
                return [what, r.x, r.y, r.width, r.height];
            })
            .filter(c => c[3] > 0 && c[4] > 0)"""
    )


@pytest.mark.parametrize(
    ("viewport", "touch", "least"),
    [({"width": 768, "height": 1024}, True, 44), ({"width": 1280, "height": 800}, False, 24)],
    ids=["tablet-touch-768", "desktop-1280"],
)
def test_the_editor_fits_a_tablet_and_a_desktop_with_targets_big_enough_and_names_each_shapes_article(
    browser, live_server, editor, scanned_page, artifacts_dir, viewport, touch, least
):
    page, first, second = scanned_page
    Article.objects.filter(pk=first.pk).update(hot_areas=[RECT])
    Article.objects.filter(pk=second.pk).update(hot_areas=[{"type": "polygon", "points": [list(p) for p in L_SHAPE]}])
    context = browser.new_context(viewport=viewport, locale="zh-CN", has_touch=touch)
    tab = log_in(context, live_server.url, editor)
    tab.goto(f"{live_server.url}/admin/issues/page/{page.pk}/change/")
    tab.wait_for_selector("#hot-area-editor.hae-ready")
    tab.locator(".hae-panel button.hae-shape").first.click()  # the selection's box shown too
    tab.wait_for_selector(".hae-selection:not([hidden])")

    # A screen reader hears whose area each shape is, and what kind.
    for name in (r"^《职工书屋开进车间》的\s*热区 1 · 矩形", r"^《劳模工作室揭牌》的\s*热区 1 · 多边形（4 个顶点）"):
        assert tab.get_by_role("button", name=re.compile(name)).count() == 1, name

    if touch:  # a finger draws at this width too
        tab.tap("button.hae-tool[data-tool=rect]")
        tab.locator(".hae-viewport").scroll_into_view_if_needed()
        touch_drag(tab, (0.3, 0.6), (0.6, 0.8))
        tab.wait_for_timeout(300)
        assert len(areas_box(tab, first)) == 2
        tab.tap("button.hae-tool[data-tool=select]")
    tab.check("input[name=hae-current][value='']")
    tab.click("button.hae-add-rect")  # left under 未分配: the save below stops for it
    tab.click("input[name=_continue]")
    tab.locator(".hae-unsettled").wait_for()

    width = viewport["width"]
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    assert tab.eval_on_selector("#hot-area-editor", "r => r.scrollWidth <= r.clientWidth")
    shown = controls(tab)
    assert len(shown) > 15
    off = [c for c in shown if c[1] < 0 or c[1] + c[3] > width + 0.5]
    assert not off, off
    small = [c for c in shown if c[3] < least or c[4] < least]
    assert not small, small
    tab.locator("#hot-area-editor").screenshot(path=os.path.join(artifacts_dir, f"hot-area-editor-{width}.png"))
    context.close()


def test_axe_finds_no_barrier_in_the_editor_on_the_page_form(browser, live_server, editor, scanned_page):
    page, first, _ = scanned_page
    Article.objects.filter(pk=first.pk).update(hot_areas=[RECT])
    tab = open_form(browser, live_server, editor, page)
    tab.click(".hae-panel button.hae-shape")  # the selection's controls shown too
    tab.wait_for_selector(".hae-selection:not([hidden])")
    tab.click(".hae-help summary")
    found = axe_violations(tab, include="#hot-area-editor")
    assert not found, describe(found)
    # The rest of the form reports only what Django's own admin markup is known for, none of it in the editor:
    # the tabular inline's empty first header and title-only labels, the breadcrumbs' links told by colour,
    # the pool's FilteredSelectMultiple putting aria-label on a span.
    known = {"empty-table-header", "link-in-text-block", "label", "label-title-only", "aria-prohibited-attr"}
    found = axe_violations(tab)
    assert not [v for v in found if v["id"] not in known], describe(found)
    assert not [n for v in found for n in v["nodes"] if "hae" in n["target"]], describe(found)


def test_zoomed_in_the_mouse_draws_moves_resizes_and_deletes_where_it_points(
    browser, live_server, editor, scanned_page
):
    page, first, _ = scanned_page
    tab = open_form(browser, live_server, editor, page)
    tab.click("button.hae-zoom-in")
    tab.click("button.hae-zoom-in")
    assert tab.inner_text(".hae-zoom-level") == "200%"
    width = tab.locator(".hae-scan").bounding_box()["width"]
    assert width > 1.9 * tab.locator(".hae-viewport").bounding_box()["width"] - 40
    tab.eval_on_selector(".hae-viewport", "v => { v.scrollLeft = 0; }")

    tab.click("button.hae-tool[data-tool=rect]")
    drag(tab, (0.1, 0.3), (0.3, 0.4))
    assert close(areas_box(tab, first), [{"type": "rect", "points": [[0.1, 0.3], [0.3, 0.4]]}], tolerance=0.003)

    # Select it, drag it by its middle, then pull its bottom right corner.
    tab.click("button.hae-tool[data-tool=select]")
    tab.mouse.click(*at(tab, 0.2, 0.35))
    tab.wait_for_selector(".hae-selection:not([hidden])")
    drag(tab, (0.2, 0.35), (0.25, 0.4))
    assert close(areas_box(tab, first), [{"type": "rect", "points": [[0.15, 0.35], [0.35, 0.45]]}], tolerance=0.003)
    drag(tab, (0.35, 0.45), (0.4, 0.5))
    assert close(areas_box(tab, first), [{"type": "rect", "points": [[0.15, 0.35], [0.4, 0.5]]}], tolerance=0.003)

    tab.click("button.hae-zoom-fit")
    assert tab.inner_text(".hae-zoom-level") == "100%"
    tab.click(".hae-delete")
    assert areas_box(tab, first) == []
    said(tab, "已删除")
    assert not tab.problems, tab.problems
