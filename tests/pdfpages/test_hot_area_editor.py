"""The page form's hot-area editor over HTTP: areas saved with the form, under its checks; proposals; stories.

The browser side (drawing, the keyboard, touch) is in tests/browser/test_hot_area_editor.py;
here the form is posted as the editor leaves it: each article's shapes in the hidden box
of its row (``articles-N-hot_areas``).
"""

import datetime
import html
import json

import pytest
import reversion
from django.core.files.base import ContentFile
from django.urls import reverse
from reversion.models import Version

from articles.hotareas.geometry import iou
from articles.hotareas.match import key
from articles.hotareas.shapes import clean_shapes
from articles.models import Article, WorkingCopy
from tests.admin_http import Browser
from tests.factories import make_article, make_issue, make_page, pdf_bytes, png_bytes
from tests.people import client_for
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 5, 1)
REFUSED = "未保存：你打开表单之后，下列内容已被他人修改。"
RECT = {"type": "rect", "points": [[0.1, 0.1], [0.5, 0.3]]}
ELL = {"type": "polygon", "points": [[0.55, 0.1], [0.9, 0.1], [0.9, 0.5], [0.55, 0.3]]}


def page_url(page):
    return reverse("admin:issues_page_change", args=[page.pk])


def box_of(form, article) -> str:
    """Return the name of ``article``'s hidden areas box on the page form."""
    for name, value in form.fields:
        if name.endswith("-id") and value == str(article.pk):
            return name[: -len("-id")] + "-hot_areas"
    raise AssertionError(f"article {article.pk} is not on the form")


def scanned(page):
    page.image.save("scan.png", ContentFile(png_bytes(600, 900)), save=False)
    page.save()
    return page


@pytest.fixture
def draft_page(db):
    with reversion.create_revision():
        page = scanned(make_page(make_issue(DAY, published=False), "A01"))
        first = make_article(page, headline="职工书屋开进车间", order=1, published=False)
        second = make_article(page, headline="劳模工作室揭牌", order=2, published=False)
    return page, first, second


# --- Saving with the page form ------------------------------------------------------------------


def test_the_page_form_carries_each_articles_areas_and_the_editor_and_saves_them_in_one_go(editor, draft_page):
    page, first, second = draft_page
    browser = Browser(editor)
    form = browser.open(page_url(page))
    assert json.loads(form.get(box_of(form, first))) == []
    html_text = browser.client.get(page_url(page)).content.decode()
    assert 'id="hot-area-editor"' in html_text and 'id="hot-area-editor-data"' in html_text
    assert "vendor/annotorious/annotorious.js" in html_text and "<script>" not in html_text

    form.set(box_of(form, first), json.dumps([RECT]))
    form.set(box_of(form, second), json.dumps([ELL]))
    assert browser.submit(form).status_code == 302

    assert Article.objects.get(pk=first.pk).hot_areas == [RECT]
    assert Article.objects.get(pk=second.pk).hot_areas == [ELL]
    latest = Version.objects.get_for_object(Article.objects.get(pk=second.pk)).first()
    assert latest.field_dict["hot_areas"] == [ELL] and latest.revision.user == editor


def test_an_area_off_the_page_is_refused_in_chinese_and_nothing_is_written(editor, draft_page):
    page, first, second = draft_page
    browser = Browser(editor)
    form = browser.open(page_url(page))
    off = json.dumps([{"type": "rect", "points": [[0.6, 0.1], [1.2, 0.3]]}])
    form.set(box_of(form, first), off)
    form.set(box_of(form, second), json.dumps([RECT]))

    response = browser.submit(form)

    assert response.status_code == 200
    text = response.content.decode()
    assert "超出版面" in text
    # The editor is told the row's error, and the box posts back what was typed.
    data = json.loads(text.split('id="hot-area-editor-data" type="application/json">')[1].split("</script>")[0])
    errors = {a["id"]: a["errors"] for a in data["articles"]}
    assert any("超出版面" in e for e in errors[first.pk]) and errors[second.pk] == []
    again = browser.read(response)
    assert json.loads(again.get(box_of(again, first))) == json.loads(off)
    assert Article.objects.get(pk=first.pk).hot_areas == [] and Article.objects.get(pk=second.pk).hot_areas == []


def test_a_page_form_opened_before_an_articles_areas_changed_is_refused_and_keeps_the_drawing(
    editor, chief, draft_page
):
    page, first, _ = draft_page
    mine, theirs = Browser(editor), Browser(chief)
    form = mine.open(page_url(page))
    other = theirs.open(page_url(page))
    other.set(box_of(other, first), json.dumps([ELL]))
    assert theirs.submit(other).status_code == 302

    form.set(box_of(form, first), json.dumps([RECT]))
    response = mine.submit(form)

    assert response.status_code == 200
    text = response.content.decode()
    assert REFUSED in text
    assert "稿件“职工书屋开进车间”" in text and "热区：" in text and "zhoumin" in text
    assert Article.objects.get(pk=first.pk).hot_areas == [ELL]
    again = mine.read(response)
    assert json.loads(again.get(box_of(again, first))) == [RECT]  # the drawing is still in the form

    # 以我的修改覆盖 saves the areas drawn on top of the colleague's version.
    assert mine.submit(again, button="_reapply").status_code == 302
    assert Article.objects.get(pk=first.pk).hot_areas == [RECT]


def test_a_stale_page_form_is_refused_with_nothing_written(editor, chief, draft_page):
    page, first, _ = draft_page
    mine, theirs = Browser(editor), Browser(chief)
    form = mine.open(page_url(page))
    other = theirs.open(page_url(page))
    other.set("name", "工会动态")
    assert theirs.submit(other).status_code == 302

    form.set(box_of(form, first), json.dumps([RECT]))
    response = mine.submit(form)

    assert REFUSED in response.content.decode()
    assert "版名：“要闻” → “工会动态”" in response.content.decode()
    assert Article.objects.get(pk=first.pk).hot_areas == []


def test_an_editors_areas_on_a_published_page_wait_in_its_working_copy(editor, chief, client):
    with reversion.create_revision():
        page = scanned(make_page(make_issue(DAY), "A01"))
        live = make_article(page, headline="职工书屋开进车间", hot_areas=[RECT])
    browser = Browser(editor)
    form = browser.open(page_url(page))
    form.set(box_of(form, live), json.dumps([ELL]))

    assert browser.submit(form).status_code == 302

    assert Article.objects.get(pk=live.pk).hot_areas == [RECT]  # readers keep the live area
    copy = WorkingCopy.objects.get()
    assert copy.changed == ["稿件"]
    reader = client.get(page.get_absolute_url()).content.decode()
    assert "<polygon" not in reader and "<rect" in reader
    # The form (and so the editor) shows the copy, so the next save builds on it.
    again = browser.open(page_url(page))
    assert json.loads(again.get(box_of(again, live))) == [ELL]

    client_for(chief).post(
        reverse("admin:issues_page_changelist"),
        {"action": "publish_changes", "confirm": "yes", "publish_at": "", "_selected_action": [page.pk]},
    )
    assert Article.objects.get(pk=live.pk).hot_areas == [ELL]
    assert "<polygon" in client.get(page.get_absolute_url()).content.decode()


def test_someone_who_may_only_view_the_page_sees_the_areas_but_gets_no_boxes(reporter, draft_page):
    page, first, _ = draft_page
    Article.objects.filter(pk=first.pk).update(hot_areas=[RECT])
    response = client_for(reporter).get(page_url(page))
    assert response.status_code == 200
    text = response.content.decode()
    assert "-hot_areas" not in text
    assert 'id="hot-area-editor"' in text and 'data-tool="rect"' not in text and "自动识别热区" not in text


def test_a_page_without_a_scan_says_how_to_get_an_editor(editor):
    page = make_page(make_issue(DAY, published=False), "A02")
    make_article(page, published=False)
    text = client_for(editor).get(page_url(page)).content.decode()
    assert "上传版面图或 PDF 并保存后，即可在这里画出每篇稿件的热区。" in text
    assert 'id="hot-area-editor"' not in text


# --- 自动识别热区 -------------------------------------------------------------------------------


@pytest.fixture
def printed_page(generated):
    """A draft page whose PDF is a generated page, an article for each printed story, and one not printed."""
    data, layout = generated("classic", "cff", 0)
    with reversion.create_revision():
        page = make_page(make_issue(DAY, published=False), "A01")
        page.pdf = ContentFile(data, name="A01.pdf")
        page.save()  # renders the scan from the PDF
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
                published=False,
            )
            stories[article.pk] = story
        missing = make_article(
            page, order=99, headline="版面上没有的稿件", body="<p>没有印在这一版上。</p>", published=False
        )
    return page, stories, layout, missing


def suggestions_url(page):
    return reverse("admin:issues_page_hot_area_suggestions", args=[page.pk])


def test_suggestions_propose_each_printed_storys_area_and_list_the_one_not_found(editor, printed_page):
    page, stories, layout, missing = printed_page
    response = client_for(editor).get(suggestions_url(page))
    assert response.status_code == 200
    answer = response.json()
    assert answer["note"] == "" and answer["not_found"] == [missing.pk]
    assert {p["article"] for p in answer["proposals"]} == set(stories)
    good = [
        p
        for p in answer["proposals"]
        if iou(stories[p["article"]].region(), p["shapes"], aspect=layout.width / layout.height) >= 0.9
    ]
    assert len(good) >= 0.9 * len(stories)
    assert not Article.objects.exclude(hot_areas=[]).exists()  # proposing writes nothing


def test_suggestions_say_why_there_are_none(editor, draft_page):
    page, first, second = draft_page
    answer = client_for(editor).get(suggestions_url(page)).json()
    assert answer == {"proposals": [], "not_found": [first.pk, second.pk], "note": "本版没有 PDF，无法自动识别热区。"}
    page.pdf.save("blank.pdf", ContentFile(pdf_bytes("A01")), save=False)
    Page = type(page)
    Page.objects.filter(pk=page.pk).update(pdf=page.pdf.name)
    answer = client_for(editor).get(suggestions_url(page)).json()
    assert answer["note"] == "本版 PDF 没有文字层（可能是扫描件），无法自动识别热区。"


def test_suggestions_and_stories_are_for_editors_only(reporter, printed_page):
    page, _, _, _ = printed_page
    client = client_for(reporter)
    assert client.get(suggestions_url(page)).status_code == 403
    story = client.post(reverse("admin:issues_page_story_from_region", args=[page.pk]), {"shapes": json.dumps([RECT])})
    assert story.status_code == 403
    assert client_for(reporter).post(suggestions_url(page)).status_code in (403, 405)


# --- 从选区新建稿件 ----------------------------------------------------------------------------


def test_a_region_starts_a_draft_with_its_text_whose_area_waits_for_the_page_form(editor, printed_page):
    page, _, layout, _ = printed_page
    story = next(s for s in layout.stories if s.shape == "polygon")
    region = story.region()
    before = set(Article.objects.values_list("pk", flat=True))

    response = client_for(editor).post(
        reverse("admin:issues_page_story_from_region", args=[page.pk]), {"shapes": json.dumps(region)}
    )

    assert response.status_code == 201, response.content.decode()
    answer = response.json()
    article = Article.objects.get(pk=answer["article"])
    assert article.pk not in before
    assert (article.page, article.status, article.created_by) == (page, Status.DRAFT, editor)
    assert article.headline == story.headline and article.kicker == story.kicker
    assert key(article.byline) == key(story.byline)
    assert key(article.plain_text) == key(story.body)
    assert article.body.count("<p>") == len(story.body.split("\n"))
    # The region is the draft's area once the page form is saved (it may still be another article's there).
    assert article.hot_areas == []
    assert iou(region, answer["shapes"], aspect=layout.width / layout.height) > 0.99
    assert article.order > max(a.order for a in Article.objects.exclude(pk=article.pk))
    revision = Version.objects.get_for_object(article).get().revision
    assert (revision.comment, revision.user) == ("从选区新建稿件", editor)
    assert answer["url"] == reverse("admin:articles_article_change", args=[article.pk])
    assert "已新建草稿" in answer["message"] and "保存本页后生效" in answer["message"]


def start_draft(user, page, shapes) -> Article:
    response = client_for(user).post(
        reverse("admin:issues_page_story_from_region", args=[page.pk]), {"shapes": json.dumps(shapes)}
    )
    assert response.status_code == 201, response.content.decode()
    return Article.objects.get(pk=response.json()["article"])


def editor_data_of(response) -> dict:
    text = response.content.decode()
    return json.loads(text.split('id="hot-area-editor-data" type="application/json">')[1].split("</script>")[0])


def test_a_region_taken_from_an_article_moves_to_the_draft_in_the_page_forms_save(editor, printed_page):
    page, stories, layout, _ = printed_page
    story = layout.stories[-1]
    owner = next(pk for pk, s in stories.items() if s is not story)
    own = stories[owner].region()
    Article.objects.filter(pk=owner).update(hot_areas=own + story.region())  # drawn over two stories
    browser = Browser(editor)
    form = browser.open(page_url(page))
    assert form.get("new_draft_areas") == ""  # the box for drafts started from regions

    draft = start_draft(editor, page, story.region())
    # Until the page form is saved, the region stays with the article it was drawn for, and only there.
    assert Article.objects.get(pk=owner).hot_areas == own + story.region() and draft.hot_areas == []

    # The editor moves it: out of the owner's box, into the drafts' box.
    form.set(box_of(form, Article(pk=owner)), json.dumps(own))
    form.set("new_draft_areas", json.dumps([{"article": draft.pk, "title": draft.title, "shapes": story.region()}]))
    assert browser.submit(form).status_code == 302

    assert Article.objects.get(pk=owner).hot_areas == clean_shapes(own)
    moved = Article.objects.get(pk=draft.pk).hot_areas
    assert iou(story.region(), moved, aspect=layout.width / layout.height) > 0.99
    # One save, one revision: the owner's loss and the draft's gain together.
    revision = Version.objects.get_for_object(Article.objects.get(pk=draft.pk)).first().revision
    assert revision.user == editor
    assert {v.object_id for v in revision.version_set.all()} >= {str(owner), str(draft.pk)}
    # Opened again, the draft is a row of the page's table like the others.
    again = browser.open(page_url(page))
    assert json.loads(again.get(box_of(again, draft))) == moved and again.get("new_draft_areas") == ""


def test_a_drafts_area_off_the_page_or_for_a_draft_gone_is_refused_and_shown_again(editor, printed_page):
    page, _, layout, _ = printed_page
    story = layout.stories[-1]
    browser = Browser(editor)
    form = browser.open(page_url(page))
    draft = start_draft(editor, page, story.region())
    gone = start_draft(editor, page, story.region())
    Article.objects.filter(pk=gone.pk).update(page=None)  # taken off the page meanwhile
    off = [{"type": "rect", "points": [[0.6, 0.1], [1.2, 0.3]]}]
    rows = [
        {"article": draft.pk, "title": draft.title, "shapes": off},
        {"article": gone.pk, "title": gone.title, "shapes": [RECT]},
    ]
    form.set("new_draft_areas", json.dumps(rows))

    response = browser.submit(form)

    assert response.status_code == 200
    data = editor_data_of(response)
    shown = {a["id"]: a for a in data["articles"] if a.get("draft")}
    assert set(shown) == {draft.pk, gone.pk}
    assert any("超出版面" in e for e in shown[draft.pk]["errors"]) and shown[draft.pk]["shapes"] == off
    assert any("已不在本版" in e for e in shown[gone.pk]["errors"]) and shown[gone.pk]["title"] == gone.title
    assert shown[draft.pk]["unsaved"] and data["drafts_input"] == "id_new_draft_areas"
    assert json.loads(browser.read(response).get("new_draft_areas")) == rows  # posted back as it came
    assert Article.objects.get(pk=draft.pk).hot_areas == [] and Article.objects.get(pk=gone.pk).hot_areas == []


def test_a_drafts_area_drawn_meanwhile_elsewhere_is_not_overwritten(editor, printed_page):
    page, _, layout, _ = printed_page
    browser = Browser(editor)
    form = browser.open(page_url(page))
    draft = start_draft(editor, page, layout.stories[-1].region())
    Article.objects.filter(pk=draft.pk).update(hot_areas=[ELL])  # the 总编 drew it on the story's own form
    form.set("new_draft_areas", json.dumps([{"article": draft.pk, "title": draft.title, "shapes": [RECT]}]))

    response = browser.submit(form)

    assert response.status_code == 200
    shown = next(a for a in editor_data_of(response)["articles"] if a["id"] == draft.pk)
    assert shown["errors"] == ["新建之后这篇稿件已在别处有了热区，未覆盖：请打开这篇稿件看过它的热区后再画。"]
    assert Article.objects.get(pk=draft.pk).hot_areas == [ELL]


def test_a_drafts_area_on_a_published_page_waits_in_the_pages_working_copy(editor, generated):
    data, layout = generated("classic", "cff", 0)
    with reversion.create_revision():
        page = make_page(make_issue(DAY), "A01")
        page.pdf = ContentFile(data, name="A01.pdf")
        page.save()
    story = layout.stories[-1]
    browser = Browser(editor)
    form = browser.open(page_url(page))
    draft = start_draft(editor, page, story.region())
    form.set("new_draft_areas", json.dumps([{"article": draft.pk, "title": draft.title, "shapes": story.region()}]))

    assert browser.submit(form).status_code == 302

    assert Article.objects.get(pk=draft.pk).hot_areas == []  # live rows keep what they had
    assert WorkingCopy.objects.get().changed == ["稿件"]
    again = browser.open(page_url(page))  # the form shows the copy, the draft among the page's rows
    assert iou(story.region(), json.loads(again.get(box_of(again, draft))), aspect=layout.width / layout.height) > 0.99


def test_someone_who_may_not_edit_areas_gets_no_box_for_drafts(reporter, printed_page):
    text = client_for(reporter).get(page_url(printed_page[0])).content.decode()
    assert "new_draft_areas" not in text


def test_a_region_without_text_or_off_the_page_is_refused_in_chinese(editor, printed_page):
    page = printed_page[0]
    client = client_for(editor)
    url = reverse("admin:issues_page_story_from_region", args=[page.pk])
    count = Article.objects.count()

    empty = client.post(url, {"shapes": json.dumps([{"type": "rect", "points": [[0.4, 0.97], [0.6, 0.98]]}])})
    assert empty.status_code == 400 and "选区里没有文字" in empty.json()["error"]
    off = client.post(url, {"shapes": json.dumps([{"type": "rect", "points": [[0.4, 0.5], [1.4, 0.6]]}])})
    assert off.status_code == 400 and "超出版面" in off.json()["error"]
    nothing = client.post(url, {"shapes": "[]"})
    assert nothing.status_code == 400 and "请先选中或画出一个选区" in nothing.json()["error"]
    scan_only = scanned(make_page(make_issue(DAY + datetime.timedelta(days=1), published=False), "A01"))
    url = reverse("admin:issues_page_story_from_region", args=[scan_only.pk])
    refused = client.post(url, {"shapes": json.dumps([RECT])})
    assert refused.status_code == 400 and refused.json()["error"] == "本版没有 PDF，无法从选区读出文字。"
    assert Article.objects.count() == count
