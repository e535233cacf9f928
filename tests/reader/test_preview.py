"""Staff with the view permission preview unpublished content; the public still gets 404."""

import datetime

import pytest
from django.test import Client

from tests.factories import make_article, make_issue, make_page, rect_area
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpublished(no_page_cache, staff_with_view):
    issue = make_issue(datetime.date(2023, 3, 1), published=False)
    page = make_page(issue, "A01", name="要闻", image=True, pdf=True)
    # The 记者's own draft: a reporter previews their own, as in the admin.
    article = make_article(
        page,
        headline="尚未见报的稿件",
        published=False,
        created_by=staff_with_view,
        hot_areas=rect_area(10, 10, 30, 30),
    )
    return {"issue": issue.get_absolute_url(), "page": page.get_absolute_url(), "article": article.get_absolute_url()}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("what", ["issue", "page", "article"])
def test_staff_with_view_permission_preview_unpublished_content_marked_预览(unpublished, staff_with_view, what):
    response = logged_in(staff_with_view).get(unpublished[what])
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="preview-banner"' in html and "预览" in html
    assert "尚未见报的稿件" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html


@pytest.mark.parametrize("what", ["issue", "page", "article"])
def test_previews_are_never_cached(unpublished, staff_with_view, what):
    response = logged_in(staff_with_view).get(unpublished[what])
    control = response["Cache-Control"]
    assert "no-cache" in control and "no-store" in control and "private" in control
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize("what", ["issue", "page", "article"])
def test_public_gets_404_for_what_staff_preview(client, unpublished, what):
    assert client.get(unpublished[what]).status_code == 404


@pytest.mark.parametrize("what", ["issue", "page", "article"])
def test_staff_without_view_permission_get_404(unpublished, staff_without_view, what):
    assert logged_in(staff_without_view).get(unpublished[what]).status_code == 404


def test_previewing_staff_are_not_served_the_public_cached_page(settings, staff_with_view):
    settings.PUBLIC_PAGE_CACHE = True
    page = make_page(make_issue(datetime.date(2023, 3, 1)), "A01")
    make_article(page, headline="已见报的稿件")
    make_article(page, headline="编辑中的稿件", status=Status.DRAFT, publish_at=None, created_by=staff_with_view)
    url = page.get_absolute_url()
    assert "编辑中的稿件" not in Client().get(url).content.decode()
    assert "X-Page-Cache" in Client().get(url)  # public answer is in the cache now
    staff = logged_in(staff_with_view).get(url)
    html = staff.content.decode()
    assert "编辑中的稿件" in html and 'class="preview-banner"' in html and "未发布" in html
    assert "no-store" in staff["Cache-Control"]
    # …and the public still never sees the draft.
    assert "编辑中的稿件" not in Client().get(url).content.decode()


def test_published_content_shows_no_banner_to_staff(staff_with_view, no_page_cache):
    article = make_article(make_page(make_issue(datetime.date(2023, 3, 2)), "A01"))
    response = logged_in(staff_with_view).get(article.get_absolute_url())
    assert response.status_code == 200
    assert 'class="preview-banner"' not in response.content.decode()
    assert "no-store" not in response.get("Cache-Control", "")


def test_lists_and_feeds_never_preview(unpublished, staff_with_view):
    client = logged_in(staff_with_view)
    for url in ("/", "/issues/?year=2023", "/themes/", "/feeds/latest/", "/sitemap-articles.xml"):
        html = client.get(url).content.decode()
        assert "尚未见报的稿件" not in html, url
        assert unpublished["issue"] not in html, url


def test_a_reporter_gets_404_for_another_reporters_draft_as_in_the_admin(no_page_cache, staff_with_view):
    from tests.people import make_staff

    colleague = make_staff("lihua", "记者")
    editor = make_staff("linping", "编辑")
    page = make_page(make_issue(datetime.date(2023, 3, 1)), "A01")
    theirs = make_article(page, headline="同事的草稿", published=False, created_by=colleague)
    mine = make_article(page, headline="我的草稿", published=False, created_by=staff_with_view, order=2)
    reporter = logged_in(staff_with_view)
    assert reporter.get(theirs.get_absolute_url()).status_code == 404
    assert logged_in(staff_with_view).get(f"/admin/articles/article/{theirs.pk}/change/").status_code in (302, 403, 404)
    assert reporter.get(mine.get_absolute_url()).status_code == 200
    listing = reporter.get(page.get_absolute_url()).content.decode()
    assert "我的草稿" in listing and "同事的草稿" not in listing
    # An editor, who edits everyone's copy in the admin, previews it too.
    assert logged_in(editor).get(theirs.get_absolute_url()).status_code == 200
