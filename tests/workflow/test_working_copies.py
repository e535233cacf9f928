"""A live copy and a working copy: an 编辑's change of a published article waits for the 总编.

Everything goes through HTTP as a browser posts the admin's forms.
"""

import datetime
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, WorkingCopy
from tests.admin_forms import article_data, rendered_form_data
from tests.factories import make_article, make_issue, make_page
from tests.people import client_for, make_staff
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db

TZ = timezone.get_fixed_timezone(8 * 60)
OLD, NEW = "职工书屋开进车间", "职工书屋开进了三个车间"


@pytest.fixture
def live_article():
    issue = make_issue(datetime.date(2023, 1, 1))
    page = make_page(issue, "A01", name="要闻")
    return make_article(page, headline=OLD, body="<p>市总工会在机械厂车间建起职工书屋。</p>")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def edit(user, article, **changes):
    article = Article.objects.get(pk=article.pk)
    return client_for(user).post(change_url(article), article_data(page=article.page, article=article, **changes))


def public_views(client, article) -> dict:
    """Return what anonymous readers get from the article, its page, the feed, search and the export."""
    return {
        "article": client.get(article.get_absolute_url()).content.decode(),
        "page": client.get(article.page.get_absolute_url()).content.decode(),
        "feed": client.get(reverse("articles:feed_latest")).content.decode(),
        "search": client.get("/search/", {"q": "机械厂"}).content.decode(),
        "export": json.loads(client.get("/search/", {"q": "机械厂", "format": "json"}).content),
    }


def headlines_in(views) -> set:
    found = set()
    for name, text in views.items():
        if name == "export":
            found |= {f"{name}:{r['headline']}" for r in text["results"]}
        else:
            found |= {f"{name}:{h}" for h in (OLD, NEW) if h in text}
    return found


def old_everywhere():
    return {"article:" + OLD, "page:" + OLD, "feed:" + OLD, "search:" + OLD, "export:" + OLD}


def new_everywhere():
    return {"article:" + NEW, "page:" + NEW, "feed:" + NEW, "search:" + NEW, "export:" + NEW}


def publish_changes(user, article, at=""):
    return client_for(user).post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_changes", "confirm": "yes", "publish_at": at, "_selected_action": [article.pk]},
        follow=True,
    )


def test_an_editors_change_of_a_published_article_waits_for_the_chief_editor(editor, chief, client, live_article):
    assert headlines_in(public_views(client, live_article)) == old_everywhere()
    response = edit(editor, live_article, headline=NEW)
    assert response.status_code == 302
    live_article.refresh_from_db()
    assert live_article.headline == OLD
    copy = WorkingCopy.objects.get()
    assert copy.changed == ["主标题"]
    assert copy.updated_by == editor

    # Readers, the feed, search and the export still get the live version.
    assert headlines_in(public_views(client, live_article)) == old_everywhere()

    # The editor's next look at the form shows the copy, and the list marks it.
    form = client_for(editor).get(change_url(live_article)).content.decode()
    assert f'value="{NEW}"' in form
    assert f"有待发布的修改（主标题；{editor.get_username()} 于" in form
    assert 'value="保存为待发布的修改"' in form
    listing = client_for(editor).get(reverse("admin:articles_article_changelist"), {"pending_changes": "yes"})
    assert OLD in listing.content.decode() and "有待发布的修改" in listing.content.decode()
    none = client_for(editor).get(reverse("admin:articles_article_changelist"), {"pending_changes": "no"})
    assert f">{OLD}<" not in none.content.decode()

    # Staff preview the public URL with the change; never cached, marked.
    preview = client_for(editor).get(live_article.get_absolute_url())
    assert NEW in preview.content.decode() and "含有待发布的修改" in preview.content.decode()
    assert "no-cache" in preview["Cache-Control"]
    assert Article.objects.get(pk=live_article.pk).headline == OLD
    reporter_view = client_for(make_staff("wangxm", "记者")).get(live_article.get_absolute_url()).content.decode()
    assert OLD in reporter_view and NEW not in reporter_view

    # The chief editor publishes the changes: now they are everywhere.
    confirm = client_for(chief).post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_changes", "_selected_action": [live_article.pk]},
    )
    assert "确认发布修改" in confirm.content.decode() and "主标题" in confirm.content.decode()
    said = publish_changes(chief, live_article).content.decode()
    assert "的修改已发布（主标题）" in said
    assert not WorkingCopy.objects.exists()
    assert headlines_in(public_views(client, live_article)) == new_everywhere()


def test_the_archive_export_holds_the_live_version_until_the_chief_editor_publishes(
    editor, chief, live_article, tmp_path
):
    def exported_headlines(folder):
        call_command("export_archive", str(folder), stdout=io.StringIO())
        lines = (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["fields"]["headline"] for line in lines]

    edit(editor, live_article, headline=NEW)
    assert WorkingCopy.objects.exists()
    assert exported_headlines(tmp_path / "before") == [OLD]
    publish_changes(chief, live_article)
    assert exported_headlines(tmp_path / "after") == [NEW]


def test_a_working_copy_save_leaves_the_page_cache_alone_and_publishing_refreshes_it(
    editor, chief, client, live_article, settings
):
    settings.PUBLIC_PAGE_CACHE = True
    url = live_article.page.get_absolute_url()
    assert OLD in client.get(url).content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"
    edit(editor, live_article, headline=NEW)
    cached = client.get(url)
    assert cached["X-Page-Cache"] == "hit"
    assert OLD in cached.content.decode() and NEW not in cached.content.decode()
    publish_changes(chief, live_article)
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert NEW in fresh.content.decode()


def test_the_page_cache_changes_when_scheduled_changes_go_live_and_not_before(editor, chief, client, settings):
    settings.PUBLIC_PAGE_CACHE = True
    with time_machine.travel(datetime.datetime(2023, 1, 2, 6, 0, tzinfo=TZ), tick=False):
        article = make_article(make_page(make_issue(datetime.date(2023, 1, 1))), headline=OLD)
        url = article.page.get_absolute_url()
        assert OLD in client.get(url).content.decode()
        edit(editor, article, headline=NEW)
        publish_changes(chief, article, "2023-01-02T08:00")
    with time_machine.travel(datetime.datetime(2023, 1, 2, 7, 59, tzinfo=TZ), tick=False):
        cached = client.get(url)
        assert cached["X-Page-Cache"] == "hit"
        assert OLD in cached.content.decode() and NEW not in cached.content.decode()
    with time_machine.travel(datetime.datetime(2023, 1, 2, 8, 0, 1, tzinfo=TZ), tick=False):
        fresh = client.get(url)
        assert fresh["X-Page-Cache"] == "miss"
        assert NEW in fresh.content.decode() and OLD not in fresh.content.decode()
        again = client.get(url)
        assert again["X-Page-Cache"] == "hit" and NEW in again.content.decode()


def test_an_editors_second_save_builds_on_the_copy(editor, client, live_article):
    edit(editor, live_article, headline=NEW)
    form = client_for(editor).get(change_url(live_article))
    data = article_data(page=live_article.page, article=live_article, headline=NEW, subtitle="三个车间")
    assert form.status_code == 200
    assert client_for(editor).post(change_url(live_article), data).status_code == 302
    copy = WorkingCopy.objects.get()
    assert copy.changed == ["主标题", "副标题"]
    assert OLD in client.get(live_article.get_absolute_url()).content.decode()


def test_a_chief_editors_own_save_publishes_directly_and_says_so(chief, editor, client, live_article):
    form = client_for(chief).get(change_url(live_article)).content.decode()
    assert 'value="保存并发布修改"' in form
    edit(editor, live_article, subtitle="三个车间")  # pending
    response = edit(chief, live_article, headline=NEW, subtitle="三个车间")
    assert response.status_code == 302
    live_article.refresh_from_db()
    assert (live_article.headline, live_article.subtitle) == (NEW, "三个车间")
    assert not WorkingCopy.objects.exists()
    assert NEW in client.get(live_article.get_absolute_url()).content.decode()


def test_drafts_keep_saving_directly(editor):
    draft = make_article(make_page(make_issue(published=False)), published=False, status=Status.REVIEW)
    form = client_for(editor).get(change_url(draft)).content.decode()
    assert 'value="保存"' in form
    assert edit(editor, draft, headline=NEW).status_code == 302
    draft.refresh_from_db()
    assert draft.headline == NEW
    assert not WorkingCopy.objects.exists()


def test_scheduled_changes_go_live_at_their_time_with_no_job_and_can_be_rescheduled(editor, chief, client):
    with time_machine.travel(datetime.datetime(2023, 1, 2, 6, 0, tzinfo=TZ), tick=False):
        article = make_article(make_page(make_issue(datetime.date(2023, 1, 1))), headline=OLD)
        edit(editor, article, headline=NEW)
        said = publish_changes(chief, article, "2023-01-02T08:00").content.decode()
        assert "的修改将于 2023年01月02日 08:00 上线" in said
        said = publish_changes(chief, article, "2023-01-02T10:00").content.decode()  # rescheduled
        assert "2023年01月02日 10:00" in said
    with time_machine.travel(datetime.datetime(2023, 1, 2, 9, 0, tzinfo=TZ), tick=False):
        assert OLD in client.get(article.get_absolute_url()).content.decode()
        form = client_for(chief).get(change_url(article)).content.decode()
        assert "已定于 2023年01月02日 10:00 发布" in form
    with time_machine.travel(datetime.datetime(2023, 1, 2, 10, 0, 1, tzinfo=TZ), tick=False):
        assert NEW in client.get(article.get_absolute_url()).content.decode()
        assert Article.objects.get(pk=article.pk).headline == NEW
        assert not WorkingCopy.objects.exists()


def test_scheduled_changes_can_be_made_immediate(editor, chief, client, live_article):
    edit(editor, live_article, headline=NEW)
    later = timezone.localtime() + datetime.timedelta(days=1)
    publish_changes(chief, live_article, later.strftime("%Y-%m-%dT%H:%M"))
    assert OLD in client.get(live_article.get_absolute_url()).content.decode()
    publish_changes(chief, live_article)
    assert NEW in client.get(live_article.get_absolute_url()).content.decode()


def test_unpublishing_takes_the_live_copy_offline_and_keeps_the_changes_for_the_next_publication(
    editor, chief, client, live_article
):
    edit(editor, live_article, headline=NEW)
    client_for(chief).post(
        reverse("admin:articles_article_changelist"), {"action": "unpublish", "_selected_action": [live_article.pk]}
    )
    assert client.get(live_article.get_absolute_url()).status_code == 404
    live_article.refresh_from_db()
    assert (live_article.status, live_article.headline) == (Status.REVIEW, NEW)
    assert not WorkingCopy.objects.exists()
    client_for(chief).post(
        reverse("admin:articles_article_changelist"), {"action": "publish_now", "_selected_action": [live_article.pk]}
    )
    assert NEW in client.get(live_article.get_absolute_url()).content.decode()


def test_rescheduling_a_live_article_takes_its_changes_along(editor, chief, client, live_article):
    from articles import services

    edit(editor, live_article, headline=NEW)
    later = timezone.now() + datetime.timedelta(hours=2)
    services.publish_article(article=Article.objects.get(pk=live_article.pk), user=chief, at=later)
    assert client.get(live_article.get_absolute_url()).status_code == 404
    with time_machine.travel(later + datetime.timedelta(seconds=1)):
        assert NEW in client.get(live_article.get_absolute_url()).content.decode()


def test_a_history_restore_by_an_editor_goes_to_the_working_copy(editor, chief, client, live_article):
    from reversion.models import Version

    edit(chief, live_article, subtitle="三个车间")  # the chief's own saves are live, and versions
    edit(chief, live_article, headline=NEW, subtitle="三个车间")
    assert NEW in client.get(live_article.get_absolute_url()).content.decode()
    old = Version.objects.get_for_object(live_article).last()
    assert old.field_dict["headline"] == OLD
    url = reverse("admin:articles_article_revision", args=[live_article.pk, old.pk])
    article = Article.objects.get(pk=live_article.pk)
    data = article_data(page=article.page, article=article, headline=OLD)
    response = client_for(editor).post(url, data)
    assert response.status_code == 302
    assert Article.objects.get(pk=live_article.pk).headline == NEW
    assert WorkingCopy.objects.get().changed == ["主标题"]
    assert NEW in client.get(live_article.get_absolute_url()).content.decode()


def page_form(user, page, **changes):
    """Post the page's form as rendered for ``user``, with ``changes`` applied."""
    client = client_for(user)
    url = reverse("admin:issues_page_change", args=[page.pk])
    data = rendered_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def test_an_editors_change_of_a_live_page_and_its_article_list_waits_for_the_chief_editor(
    editor, chief, client, live_article
):
    page = live_article.page
    response = page_form(editor, page, name="要闻综合", **{"articles-0-headline": NEW})
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert page.name == "要闻"
    assert Article.objects.get(pk=live_article.pk).headline == OLD
    assert WorkingCopy.objects.get().changed == ["版名", "稿件"]
    reader = client.get(page.get_absolute_url()).content.decode()
    assert OLD in reader and "要闻综合" not in reader
    listing = client_for(editor).get(reverse("admin:issues_page_changelist"), {"pending_changes": "yes"})
    assert "有待发布的修改" in listing.content.decode()

    client_for(chief).post(
        reverse("admin:issues_page_changelist"),
        {"action": "publish_changes", "confirm": "yes", "publish_at": "", "_selected_action": [page.pk]},
    )
    reader = client.get(page.get_absolute_url()).content.decode()
    assert NEW in reader and "要闻综合" in reader
    assert Article.objects.get(pk=live_article.pk).status == Status.PUBLISHED


def test_an_editors_change_of_a_live_issue_waits_and_unpublishing_the_issue_keeps_it(editor, chief, client):
    issue = make_issue(datetime.date(2023, 1, 1), note="")
    url = reverse("admin:issues_issue_change", args=[issue.pk])
    data = rendered_form_data(client_for(editor).get(url))
    data["note"] = "春节特刊"
    assert client_for(editor).post(url, data).status_code == 302
    issue.refresh_from_db()
    assert issue.note == ""
    assert WorkingCopy.objects.get().changed == ["备注"]
    client_for(chief).post(
        reverse("admin:issues_issue_changelist"), {"action": "unpublish_issues", "_selected_action": [issue.pk]}
    )
    issue.refresh_from_db()
    assert (issue.status, issue.note) == (Status.REVIEW, "春节特刊")
    assert not WorkingCopy.objects.exists()


def test_a_save_based_on_an_older_state_of_the_working_copy_is_refused(editor, client, live_article):
    colleague = make_staff("lihua", "编辑")
    first, second = client_for(editor), client_for(colleague)
    opened_by_second = rendered_form_data(second.get(change_url(live_article)))
    opened = rendered_form_data(first.get(change_url(live_article)))
    opened["headline"] = NEW
    assert first.post(change_url(live_article), opened).status_code == 302

    opened_by_second["subtitle"] = "三个车间"
    refused = second.post(change_url(live_article), opened_by_second)
    assert refused.status_code == 200
    assert "未保存" in refused.content.decode()
    copy = WorkingCopy.objects.get()
    assert copy.changed == ["主标题"] and copy.updated_by == editor

    # Opened again, the form shows the copy and its save is taken.
    again = rendered_form_data(second.get(change_url(live_article)))
    assert again["headline"] == NEW
    again["subtitle"] = "三个车间"
    assert second.post(change_url(live_article), again).status_code == 302
    assert WorkingCopy.objects.get().changed == ["主标题", "副标题"]
    assert OLD in client.get(live_article.get_absolute_url()).content.decode()


def test_a_copy_saved_again_after_the_confirmation_was_shown_is_shown_again_not_published(
    editor, chief, client, live_article
):
    from tests.admin_http import Browser

    writer, publisher = Browser(editor), Browser(chief)
    form = writer.open(change_url(live_article))
    form.set("headline", NEW)
    assert writer.submit(form).status_code == 302
    listing = publisher.open(reverse("admin:articles_article_changelist"), "changelist-form")
    listing.tick("_selected_action", live_article.pk).set("action", "publish_changes")
    confirmation = publisher.read(publisher.submit(listing))
    form = writer.open(change_url(live_article))
    form.set("subtitle", "三个车间")
    assert writer.submit(form).status_code == 302

    refused = publisher.submit(confirmation)

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "未发布：确认页打开之后，" in html and "的待发布修改又被保存过" in html
    assert "主标题、副标题" in html  # the confirmation now lists what the copy holds
    assert Article.objects.get(pk=live_article.pk).subtitle == ""
    assert headlines_in(public_views(client, live_article)) == old_everywhere()
    assert WorkingCopy.objects.get().changed == ["主标题", "副标题"]

    assert publisher.submit(publisher.read(refused)).status_code == 302
    live_article.refresh_from_db()
    assert (live_article.headline, live_article.subtitle) == (NEW, "三个车间")
    assert not WorkingCopy.objects.exists()


def test_publishing_changes_refuses_a_state_of_the_copy_saved_over_since(editor, chief, live_article):
    from django.core.exceptions import ValidationError

    from articles import working_copies

    edit(editor, live_article, headline=NEW)
    seen = working_copies.copy_state(WorkingCopy.objects.get())
    edit(editor, live_article, headline=NEW, subtitle="三个车间")

    with pytest.raises(ValidationError):
        working_copies.publish_changes(obj=live_article, user=chief, seen=seen)

    assert Article.objects.get(pk=live_article.pk).headline == OLD
    assert WorkingCopy.objects.get().changed == ["主标题", "副标题"]


# --- A page reaches readers of a published issue only through the 总编 ---------------------------

LIVE_ISSUE = "本期已发布："


def test_an_editor_cannot_add_a_page_to_a_published_issue_or_move_one_into_it(editor, chief, client):
    from issues.models import Page
    from tests.admin_http import Browser

    live = make_issue(datetime.date(2023, 1, 1))
    make_page(live, "A01", name="要闻")
    draft_page = make_page(make_issue(datetime.date(2023, 1, 8), published=False), "A01", name="工会动态")
    writer = Browser(editor)
    form = writer.open(reverse("admin:issues_page_add"))
    form.fields.append(["issue", str(live.pk)])
    form.set("code", "A02").set("name", "编辑加的版")

    refused = writer.submit(form)

    assert refused.status_code == 200
    assert LIVE_ISSUE in refused.content.decode() and "请在本期的表单中添加版面" in refused.content.decode()
    assert not Page.objects.filter(name="编辑加的版").exists()
    assert "编辑加的版" not in client.get(live.get_absolute_url()).content.decode()

    moved = writer.open(reverse("admin:issues_page_change", args=[draft_page.pk]))
    moved.fields = [pair for pair in moved.fields if pair[0] != "issue"] + [["issue", str(live.pk)]]
    assert LIVE_ISSUE in writer.submit(moved).content.decode()
    assert Page.objects.get(pk=draft_page.pk).issue_id != live.pk

    publisher = Browser(chief)
    form = publisher.open(reverse("admin:issues_page_add"))
    form.fields.append(["issue", str(live.pk)])
    form.set("code", "A02").set("name", "总编加的版")
    assert publisher.submit(form).status_code == 302
    assert "总编加的版" in client.get(live.get_absolute_url()).content.decode()


def test_an_editor_cannot_delete_a_page_of_a_published_issue(editor, chief, client, live_article):
    from issues.models import Page
    from tests.admin_http import Browser

    page = live_article.page
    writer = Browser(editor)
    assert writer.client.get(reverse("admin:issues_page_delete", args=[page.pk])).status_code == 403
    listing = writer.open(reverse("admin:issues_page_changelist"), "changelist-form")
    listing.tick("_selected_action", page.pk).set("action", "delete_selected")
    asked = writer.submit(listing)
    assert "无法删除" in asked.content.decode()
    listing.fields.append(["post", "yes"])  # confirmed anyway, as a crafted post would
    writer.submit(listing)
    assert Page.objects.filter(pk=page.pk).exists()
    assert client.get(page.get_absolute_url()).status_code == 200
    assert OLD in client.get(live_article.get_absolute_url()).content.decode()

    publisher = Browser(chief)
    confirmation = publisher.open(reverse("admin:issues_page_delete", args=[page.pk]))
    assert publisher.submit(confirmation).status_code == 302
    assert not Page.objects.filter(pk=page.pk).exists()


def test_an_editor_cannot_upload_the_pages_of_a_published_issue(editor, client):
    import io

    from issues.models import Page
    from tests.admin_http import Browser
    from tests.factories import pdf_bytes

    live = make_issue(datetime.date(2023, 1, 1))
    url = reverse("admin:issues_issue_upload_pages", args=[live.pk])
    writer = Browser(editor)
    shown = writer.client.get(url).content.decode()
    assert "只有总编可以上传" in shown and 'name="files"' not in shown
    token = writer.open("/admin/", "logout-form").get("csrfmiddlewaretoken")
    upload = io.BytesIO(pdf_bytes("A01"))
    upload.name = "A01-要闻.pdf"

    answer = writer.client.post(url, {"csrfmiddlewaretoken": token, "files": [upload]})

    assert answer.status_code == 200 and "只有总编可以上传" in answer.content.decode()
    assert not Page.objects.filter(issue=live).exists()
    assert client.get(live.get_absolute_url()).content.decode().count("要闻") == 0


def test_the_chief_editor_who_withdraws_or_publishes_a_story_is_named_for_the_waiting_change_taken_in(
    editor, chief, live_article
):
    from reversion.models import Version

    from articles import services

    def latest_revision():
        return Version.objects.get_for_object(live_article).order_by("-pk").first().revision

    edit(editor, live_article, headline=NEW)
    services.unpublish_article(article=Article.objects.get(pk=live_article.pk), user=chief)
    assert (latest_revision().comment, latest_revision().user) == ("并入待发布的修改", chief)
    assert Article.objects.get(pk=live_article.pk).headline == NEW

    # Scheduled again, an editor's change waits; publishing it now takes the change in.
    services.publish_article(
        article=Article.objects.get(pk=live_article.pk), user=chief, at=timezone.now() + datetime.timedelta(hours=2)
    )
    edit(editor, live_article, headline="职工书屋开进了五个车间")
    assert WorkingCopy.objects.exists()
    services.publish_article(article=Article.objects.get(pk=live_article.pk), user=chief)
    merged = Version.objects.get_for_object(live_article).filter(revision__comment="并入待发布的修改")
    assert [v.revision.user for v in merged.order_by("pk")] == [chief, chief]
    assert Article.objects.get(pk=live_article.pk).headline == "职工书屋开进了五个车间"
