"""The admin's forms with tables of rows fit a desktop screen (1366 px) and a laptop (1024 px).

An issue's 版面 table once showed, per file column, the stored file's full
path, a clear box and a file box side by side: an issue with two pages was
1991 px wide, 编辑本版稿件 stood one character per line, and 删除? was off
the screen to the right (1900 px on the form shown again after an error).
"""

import datetime
import os

import pytest
from django.core.files.base import ContentFile

from articles.models import ArticleImage
from tests.admin_browser import log_in as sign_in
from tests.factories import make_article, make_issue, make_page, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
LAPTOP = {"width": 1024, "height": 768}


def log_in(browser, base, user, viewport):
    return sign_in(browser.new_context(viewport=viewport, locale="zh-CN"), base, user)


def assert_fits(page, width):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width} px wide, more than the {width} px screen"


def assert_in_view(page, selector, width):
    """Every element matching ``selector`` is on the screen horizontally (no sideways scrolling needed)."""
    boxes = [el.bounding_box() for el in page.locator(selector).filter(visible=True).all()]
    assert boxes, f"nothing matches {selector}"
    for box in boxes:
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)
    return boxes


def assert_one_line(page, selector):
    for el in page.locator(selector).all():
        box = el.bounding_box()
        line = el.evaluate(
            "e => parseFloat(getComputedStyle(e).lineHeight) || parseFloat(getComputedStyle(e).fontSize) * 1.2"
        )
        assert box["height"] < 2 * line, f"{el.inner_text()!r} wraps: {box['height']} px high, a line is {line} px"


@pytest.fixture
def two_page_issue(db):
    issue = make_issue(datetime.date(2024, 5, 1), published=False, number=12, serial=1234)
    first = make_page(issue, "A01", name="要闻", editor="王晓明", image=True, pdf=True)
    make_page(issue, "A34", name="工会动态与职工维权", editor="欧阳晓明", image=True, pdf=True)
    return issue, first


@pytest.mark.parametrize("viewport", [DESKTOP, LAPTOP], ids=["1366", "1024"])
def test_issue_form_with_two_pages_fits_the_screen(
    browser, live_server, chief, two_page_issue, artifacts_dir, viewport
):
    issue, _ = two_page_issue
    width = viewport["width"]
    page = log_in(browser, live_server.url, chief, viewport)
    page.goto(f"{live_server.url}/admin/issues/issue/{issue.pk}/change/")
    page.screenshot(path=os.path.join(artifacts_dir, f"admin-issue-form-{width}.png"), full_page=True)
    assert_fits(page, width)
    assert len(assert_in_view(page, "#pages-group td.delete input[type=checkbox]", width)) == 2
    links = page.locator("#pages-group td.field-page_link a", has_text="编辑本版稿件")
    assert links.count() == 2
    assert_in_view(page, "#pages-group td.field-page_link a", width)
    assert_one_line(page, "#pages-group td.field-page_link a")
    assert_in_view(page, "#pages-group input[type=file]", width)
    # A stored scan is its thumbnail and a stored PDF a short link, not a path.
    assert page.locator("#pages-group img.compact-file-thumb").count() == 2
    assert page.locator("#pages-group a", has_text="查看 PDF").count() == 2
    assert "pages/pdf/" not in page.inner_text("#pages-group")


def test_issue_form_shown_again_after_an_error_fits_1366(browser, live_server, chief, two_page_issue, artifacts_dir):
    make_issue(datetime.date(2024, 6, 1), published=False)
    page = log_in(browser, live_server.url, chief, DESKTOP)
    page.goto(f"{live_server.url}/admin/issues/issue/add/")
    page.fill("#id_date", "2024-06-01")
    for i, code in enumerate(["A01", "A34"]):
        page.click("#pages-group .add-row a")
        page.fill(f"#id_pages-{i}-code", code)
        page.fill(f"#id_pages-{i}-name", "工会动态与职工维权")
        page.set_input_files(
            f"#id_pages-{i}-image", files=[{"name": "scan.png", "mimeType": "image/png", "buffer": png_bytes()}]
        )
    page.click("input[name=_continue]")
    page.wait_for_selector(".errornote")
    page.screenshot(path=os.path.join(artifacts_dir, "admin-issue-form-error-1366.png"), full_page=True)
    assert_fits(page, 1366)
    assert_in_view(page, "#pages-group input[type=file]", 1366)
    assert_in_view(page, "#pages-group td.field-page_link", 1366)
    # The chosen scans are gone from their boxes, and the form says so at the top.
    warning = page.inner_text(".messagelist .warning")
    assert "以下文件没有保存，请改正错误后重新选择：第1行版面图 scan.png、第2行版面图 scan.png" in warning
    assert "2024年06月01日的期已存在。" in page.inner_text(".field-date")


def test_publish_confirmation_of_an_issue_without_pages(browser, live_server, chief, artifacts_dir):
    issue = make_issue(datetime.date(2024, 6, 1), published=False)
    page = log_in(browser, live_server.url, chief, DESKTOP)
    page.goto(f"{live_server.url}/admin/issues/issue/")
    page.check(f"input.action-select[value='{issue.pk}']")
    page.select_option("select[name=action]", "publish_issues")
    page.click("button[name=index]")
    page.wait_for_selector("text=确认发布整期")
    page.screenshot(path=os.path.join(artifacts_dir, "admin-publish-empty-issue.png"), full_page=True)
    assert page.locator(".publish-warning.no-pages").is_visible()
    assert_fits(page, 1366)


@pytest.mark.parametrize("viewport", [DESKTOP, LAPTOP], ids=["1366", "1024"])
def test_page_form_with_articles_fits_the_screen(browser, live_server, chief, two_page_issue, artifacts_dir, viewport):
    _, first = two_page_issue
    make_article(
        first,
        headline="市总工会召开十五届三次全委（扩大）会议暨年度工作总结表彰大会",
        kicker="深入学习贯彻党的二十大精神",
        byline="本报记者 欧阳晓明 通讯员 李华",
        published=False,
    )
    make_article(first, headline="职工书屋开进车间", order=1, published=False)
    width = viewport["width"]
    page = log_in(browser, live_server.url, chief, viewport)
    page.goto(f"{live_server.url}/admin/issues/page/{first.pk}/change/")
    page.screenshot(path=os.path.join(artifacts_dir, f"admin-page-form-{width}.png"), full_page=True)
    assert_fits(page, width)
    assert_in_view(page, "#articles-group td.delete input[type=checkbox]", width)
    assert_in_view(page, "#articles-group td.field-edit_link a", width)
    assert_one_line(page, "#articles-group td.field-edit_link a")


@pytest.mark.parametrize("viewport", [DESKTOP, LAPTOP], ids=["1366", "1024"])
def test_article_form_with_photos_fits_the_screen(browser, live_server, chief, two_page_issue, artifacts_dir, viewport):
    _, first = two_page_issue
    article = make_article(first, published=False)
    for order in range(2):
        photo = ArticleImage(
            article=article,
            order=order,
            caption="职工在书屋里读书，这是一段相当长的图片说明文字",
            credit="本报记者 孙磊 摄",
        )
        photo.image.save("photo.png", ContentFile(png_bytes(800, 600)), save=False)
        photo.save()
    width = viewport["width"]
    page = log_in(browser, live_server.url, chief, viewport)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.wait_for_selector("#cke_id_body")
    page.screenshot(path=os.path.join(artifacts_dir, f"admin-article-form-{width}.png"), full_page=True)
    assert_fits(page, width)
    assert_in_view(page, "#images-group td.delete input[type=checkbox]", width)
    assert_in_view(page, "#images-group input[type=file]", width)
    assert page.locator("#images-group img.compact-file-thumb").count() == 2
