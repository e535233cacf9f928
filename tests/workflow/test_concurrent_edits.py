"""Two people in the admin at once: a save based on what someone else has changed since is refused.

Every case goes through HTTP as browsers do (tests/admin_http.py): each
person fetches the form, the CSRF token comes with it, and the form is
posted back as the page holds it.
"""

import datetime
import json

import pytest
import reversion
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision

from articles.models import Article
from issues.models import Issue, Page
from tests.admin_http import Browser
from tests.factories import make_article, make_issue, make_page
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db

REFUSED = "未保存：你打开表单之后，下列内容已被他人修改。"


def article_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def saved_hm():
    """Return the time of the last save as the refusal shows it (a clock read later may be a minute on)."""
    return f"{timezone.localtime(Revision.objects.latest('pk').date_created):%H:%M}"


@pytest.fixture
def article(db):
    with reversion.create_revision():  # as the admin's 添加 or an import records them
        page = make_page(make_issue(datetime.date(2023, 1, 1), published=False))
        return make_article(page, headline="职工书屋开进车间", subtitle="", published=False, status=Status.REVIEW)


def test_an_older_article_form_is_refused_and_keeps_the_newer_headline(editor, chief, article):
    first, second = Browser(chief), Browser(editor)
    theirs = first.open(article_url(article))
    mine = second.open(article_url(article))

    theirs.set("headline", "职工书屋开进三号车间")
    assert first.submit(theirs).status_code == 302
    revisions = Revision.objects.count()
    saved_at = saved_hm()

    mine.set("subtitle", "首批藏书三千册")
    response = second.submit(mine)

    assert response.status_code == 200
    html = response.content.decode()
    assert REFUSED in html
    assert f"主标题：“职工书屋开进车间” → “职工书屋开进三号车间”（zhoumin，{saved_at}）" in html
    assert read_back(response).get("subtitle") == "首批藏书三千册"  # the editor's input is still there
    article.refresh_from_db()
    assert (article.headline, article.subtitle) == ("职工书屋开进三号车间", "")
    assert Revision.objects.count() == revisions


def read_back(response):
    from tests.admin_http import read_form

    return read_form(response.content.decode(), "article_form")


def test_reapplying_saves_the_editors_fields_on_top_of_the_newer_version(editor, chief, article):
    first, second = Browser(chief), Browser(editor)
    theirs = first.open(article_url(article))
    mine = second.open(article_url(article))
    theirs.set("headline", "职工书屋开进三号车间")
    first.submit(theirs)
    mine.set("subtitle", "首批藏书三千册")
    refused = second.read(second.submit(mine), "article_form")

    assert "_reapply" in refused.buttons
    response = second.submit(refused, button="_reapply")

    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert (article.headline, article.subtitle) == ("职工书屋开进三号车间", "首批藏书三千册")


def test_reapplying_is_refused_again_when_a_third_save_came_in_between(editor, chief, article):
    first, second = Browser(chief), Browser(editor)
    theirs = first.open(article_url(article))
    mine = second.open(article_url(article))
    theirs.set("headline", "职工书屋开进三号车间")
    first.submit(theirs)
    mine.set("subtitle", "首批藏书三千册")
    refused = second.read(second.submit(mine), "article_form")
    again = first.open(article_url(article))
    again.set("kicker", "学习型班组")
    first.submit(again)

    response = second.submit(refused, button="_reapply")

    assert response.status_code == 200
    assert "引题：“（空）” → “学习型班组”" in response.content.decode()
    article.refresh_from_db()
    assert (article.kicker, article.subtitle) == ("学习型班组", "")


def test_an_older_form_cannot_move_the_hot_area_back(editor, chief, article):
    first, second = Browser(chief), Browser(editor)
    theirs = first.open(article_url(article))
    mine = second.open(article_url(article))
    theirs.set("hot_areas", json.dumps([{"type": "rect", "points": [[0.1, 0.2], [0.4, 0.6]]}]))
    assert first.submit(theirs).status_code == 302

    mine.set("hot_areas", json.dumps([{"type": "rect", "points": [[0.05, 0.2], [0.4, 0.6]]}]))
    response = second.submit(mine)

    assert response.status_code == 200
    html = response.content.decode()
    assert REFUSED in html
    assert "热区：" in html
    article.refresh_from_db()
    assert article.hot_areas == [{"type": "rect", "points": [[0.1, 0.2], [0.4, 0.6]]}]


def test_an_older_page_form_does_not_revert_an_article_changed_since(editor, chief, article):
    page_url = reverse("admin:issues_page_change", args=[article.page_id])
    first, second = Browser(chief), Browser(editor)
    page_form = second.open(page_url)
    theirs = first.open(article_url(article))
    theirs.set("headline", "职工书屋开进三号车间")
    assert first.submit(theirs).status_code == 302

    page_form.set("name", "工会动态")
    response = second.submit(page_form)

    assert response.status_code == 200
    html = response.content.decode()
    assert REFUSED in html
    assert "稿件“职工书屋开进三号车间”" in html
    article.refresh_from_db()
    assert article.headline == "职工书屋开进三号车间"
    assert Page.objects.get(pk=article.page_id).name == "要闻"


def test_reapplying_an_older_page_form_saves_the_page_and_keeps_the_article(editor, chief, article):
    page_url = reverse("admin:issues_page_change", args=[article.page_id])
    first, second = Browser(chief), Browser(editor)
    page_form = second.open(page_url)
    theirs = first.open(article_url(article))
    theirs.set("headline", "职工书屋开进三号车间")
    first.submit(theirs)
    page_form.set("name", "工会动态")
    refused = second.read(second.submit(page_form), "page_form")

    assert second.submit(refused, button="_reapply").status_code == 302

    article.refresh_from_db()
    assert article.headline == "职工书屋开进三号车间"
    assert Page.objects.get(pk=article.page_id).name == "工会动态"


def test_a_row_deleted_in_an_older_page_form_is_deleted_only_when_reapplied(editor, chief, article):
    page_url = reverse("admin:issues_page_change", args=[article.page_id])
    first, second = Browser(editor), Browser(chief)
    page_form = second.open(page_url)
    theirs = first.open(article_url(article))
    theirs.set("headline", "职工书屋开进三号车间")
    first.submit(theirs)
    page_form.tick("articles-0-DELETE", "on")
    response = second.submit(page_form)
    assert REFUSED in response.content.decode()
    assert Article.objects.filter(pk=article.pk).exists()

    assert second.submit(second.read(response, "page_form"), button="_reapply").status_code == 302

    assert not Article.objects.filter(pk=article.pk).exists()


def test_an_older_issue_form_does_not_revert_a_page_renamed_since(chief, article):
    page = article.page
    issue_url = reverse("admin:issues_issue_change", args=[page.issue_id])
    first, second = Browser(chief), Browser(chief)
    issue_form = second.open(issue_url)
    page_form = first.open(reverse("admin:issues_page_change", args=[page.pk]))
    page_form.set("name", "工会动态")
    assert first.submit(page_form).status_code == 302

    issue_form.set("note", "头版换图")
    response = second.submit(issue_form)

    assert response.status_code == 200
    html = response.content.decode()
    assert REFUSED in html
    assert "版名：“要闻” → “工会动态”" in html
    page.refresh_from_db()
    assert page.name == "工会动态"
    assert Issue.objects.get(pk=page.issue_id).note == ""


def publish_through_the_list(browser, issue):
    changelist = reverse("admin:issues_issue_changelist")
    listing = browser.open(changelist, "changelist-form")
    listing.tick("_selected_action", issue.pk).set("action", "publish_issues")
    confirmation = browser.read(browser.submit(listing))
    confirmation.set("publish_at", "")
    response = browser.submit(confirmation)
    assert response.status_code == 302
    return response


def test_an_issue_form_opened_before_publishing_cannot_take_the_issue_offline(editor, chief, article):
    issue = article.page.issue
    url = reverse("admin:issues_issue_change", args=[issue.pk])
    note_taker = Browser(chief)
    form = note_taker.open(url)
    publisher = Browser(chief)
    publisher.url = None
    publish_through_the_list(publisher, issue)
    issue.refresh_from_db()
    assert issue.status == Status.PUBLISHED

    form.set("note", "头版换图")
    response = note_taker.submit(form)

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == Status.PUBLISHED and issue.is_public
    assert issue.note == ""


def test_reapplying_an_issue_form_opened_before_publishing_saves_the_note_and_keeps_the_issue_live(
    chief, client, article
):
    issue = article.page.issue
    note_taker = Browser(chief)
    form = note_taker.open(reverse("admin:issues_issue_change", args=[issue.pk]))
    publish_through_the_list(Browser(chief), issue)
    form.set("note", "头版换图")
    refused = note_taker.read(note_taker.submit(form), "issue_form")

    assert note_taker.submit(refused, button="_reapply").status_code == 302

    issue.refresh_from_db()
    assert (issue.note, issue.status, issue.is_public) == ("头版换图", Status.PUBLISHED, True)
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED
    assert client.get(issue.get_absolute_url()).status_code == 200
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_fresh_issue_form_saving_the_note_keeps_the_publication(chief):
    issue = make_issue(datetime.date(2023, 1, 8))
    published_at = issue.publish_at
    browser = Browser(chief)
    form = browser.open(reverse("admin:issues_issue_change", args=[issue.pk]))
    form.set("note", "头版换图")

    assert browser.submit(form).status_code == 302

    issue.refresh_from_db()
    assert (issue.note, issue.status, issue.publish_at) == ("头版换图", Status.PUBLISHED, published_at)


def test_an_action_on_a_list_shown_before_a_change_is_refused(editor, chief, article):
    changelist = reverse("admin:articles_article_changelist")
    lister = Browser(chief)
    listing = lister.open(changelist, "changelist-form")
    other = Browser(editor)
    form = other.open(article_url(article))
    form.set("headline", "职工书屋开进三号车间")
    assert other.submit(form).status_code == 302

    listing.tick("_selected_action", article.pk).set("action", "publish_now")
    response = lister.submit(listing)

    assert response.status_code == 302
    shown = lister.client.get(response.url).content.decode()
    assert "操作未执行" in shown
    assert "主标题：“职工书屋开进车间” → “职工书屋开进三号车间”（linping" in shown
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    assert article.headline == "职工书屋开进三号车间"


def test_an_action_on_a_current_list_goes_through(chief, article):
    lister = Browser(chief)
    listing = lister.open(reverse("admin:articles_article_changelist"), "changelist-form")
    listing.tick("_selected_action", article.pk).set("action", "publish_now")

    assert lister.submit(listing).status_code == 302

    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


def test_issue_actions_refuse_a_stale_list(editor, chief, article):
    issue = article.page.issue
    lister = Browser(chief)
    listing = lister.open(reverse("admin:issues_issue_changelist"), "changelist-form")
    other = Browser(chief)
    form = other.open(reverse("admin:issues_issue_change", args=[issue.pk]))
    form.set("note", "等头版照片")
    other.submit(form)

    listing.tick("_selected_action", issue.pk).set("action", "publish_issues")
    response = lister.submit(listing)

    assert response.status_code == 302
    assert "操作未执行" in lister.client.get(response.url).content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.note) == (Status.DRAFT, "等头版照片")
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW


def test_returning_a_story_is_refused_when_it_changed_while_the_note_was_written(reporter, editor, chief):
    from articles import services
    from tests.newsroom.steps import file_story

    story = file_story(reporter)
    services.submit_article(article=story, user=reporter)
    reviewer = Browser(editor)
    listing = reviewer.open(reverse("admin:articles_article_changelist"), "changelist-form")
    listing.tick("_selected_action", story.pk).set("action", "return_to_draft")
    asked = reviewer.read(reviewer.submit(listing))
    assert asked.get(f"_version_{story.pk}") == str(Article.objects.get(pk=story.pk).version)
    other = Browser(chief)
    form = other.open(article_url(story))
    form.set("headline", "车间里的职工书屋开张了")
    assert other.submit(form).status_code == 302

    asked.set("note", "导语太长")
    response = reviewer.submit(asked)

    assert response.status_code == 302
    shown = reviewer.client.get(response.url).content.decode()
    assert "操作未执行" in shown
    assert "主标题：“车间里的职工书屋” → “车间里的职工书屋开张了”（zhoumin" in shown
    story.refresh_from_db()
    assert (story.status, story.headline) == (Status.REVIEW, "车间里的职工书屋开张了")


def test_confirming_a_publication_is_refused_when_the_issue_changed_on_the_way(chief, article):
    issue = article.page.issue
    publisher = Browser(chief)
    listing = publisher.open(reverse("admin:issues_issue_changelist"), "changelist-form")
    listing.tick("_selected_action", issue.pk).set("action", "publish_issues")
    confirmation = publisher.read(publisher.submit(listing))
    other = Browser(chief)
    form = other.open(reverse("admin:issues_issue_change", args=[issue.pk]))
    form.set("date", "2023-01-02")
    assert other.submit(form).status_code == 302

    response = publisher.submit(confirmation)

    assert response.status_code == 302
    assert "操作未执行" in publisher.client.get(response.url).content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.date) == (Status.DRAFT, datetime.date(2023, 1, 2))


def test_a_theme_form_is_versioned_too(chief):
    from articles.models import Theme

    theme = Theme.objects.create(name="法律援助")
    url = reverse("admin:articles_theme_change", args=[theme.pk])
    first, second = Browser(chief), Browser(chief)
    theirs, mine = first.open(url), second.open(url)
    theirs.set("description", "职工法律援助")
    assert first.submit(theirs).status_code == 302
    mine.set("description", "旧的简介")

    response = second.submit(mine)

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    theme.refresh_from_db()
    assert theme.description == "职工法律援助"


def test_an_unchanged_issue_is_saved_by_a_current_form(chief):
    issue = make_issue(datetime.date(2023, 1, 15), published=False)
    browser = Browser(chief)
    form = browser.open(reverse("admin:issues_issue_change", args=[issue.pk]))
    version = Issue.objects.get(pk=issue.pk).version
    form.set("note", "排版中")
    assert browser.submit(form).status_code == 302
    assert Issue.objects.get(pk=issue.pk).version == version + 1


# --- Services used by scripts ------------------------------------------------------


def test_services_refuse_a_version_that_is_no_longer_current(chief, article):
    from articles import publishing, services
    from unionpaper.concurrency import StaleVersion

    read = article.version
    Article.objects.get(pk=article.pk).save()  # someone else's save

    with pytest.raises(StaleVersion):
        services.publish_article(article=Article.objects.get(pk=article.pk), user=chief, version=read)
    with pytest.raises(StaleVersion):
        publishing.publish_issue(issue=article.page.issue, user=chief, version=article.page.issue.version - 1)

    assert Article.objects.get(pk=article.pk).status == Status.REVIEW
    assert Issue.objects.get(pk=article.page.issue_id).status == Status.DRAFT


def test_a_service_given_a_stale_copy_writes_nothing(chief, article):
    from articles import services
    from unionpaper.concurrency import StaleVersion

    stale = Article.objects.get(pk=article.pk)
    fresh = Article.objects.get(pk=article.pk)
    fresh.headline = "职工书屋开进三号车间"
    fresh.save()

    with pytest.raises(StaleVersion):
        services.publish_article(article=stale, user=chief)

    article.refresh_from_db()
    assert (article.headline, article.status) == ("职工书屋开进三号车间", Status.REVIEW)


def test_a_refused_save_keeps_no_uploaded_photo(editor, chief, article, settings):
    import os

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import png_bytes

    first, second = Browser(chief), Browser(editor)
    theirs = first.open(article_url(article))
    mine = second.open(article_url(article))
    theirs.set("headline", "职工书屋开进三号车间")
    first.submit(theirs)
    for name, value in (("images-TOTAL_FORMS", "1"), ("images-0-order", "0"), ("images-0-caption", "书屋一角")):
        if mine.get(name) is None:
            mine.fields.append([name, value])
        else:
            mine.set(name, value)
    mine.fields.append(["images-0-article", str(article.pk)])

    response = second.submit(mine, files={"images-0-image": SimpleUploadedFile("shelf.png", png_bytes(), "image/png")})

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not article.images.exists()
    stored = [f for _, _, files in os.walk(settings.MEDIA_ROOT) for f in files]
    assert stored == []


def test_reapplying_keeps_the_themes_someone_else_set(editor, chief, article):
    first, second = Browser(chief), Browser(editor)
    theirs = first.open(article_url(article))
    mine = second.open(article_url(article))
    theirs.set("themes", "职工书屋、阅读")
    assert first.submit(theirs).status_code == 302
    mine.set("subtitle", "首批藏书三千册")
    response = second.submit(mine)
    assert "主题：“（空）” → “职工书屋 阅读”" in response.content.decode()
    refused = second.read(response, "article_form")

    assert second.submit(refused, button="_reapply").status_code == 302

    article.refresh_from_db()
    assert sorted(article.themes.names()) == ["职工书屋", "阅读"]
    assert article.subtitle == "首批藏书三千册"


def test_an_older_form_cannot_revert_a_photo_caption_changed_since(editor, chief, article):
    from django.core.files.base import ContentFile

    from articles.models import ArticleImage
    from tests.factories import png_bytes

    with reversion.create_revision():  # as the article's form saves a photo added to it
        photo = ArticleImage(article=article, caption="书屋一角", credit="")
        photo.image.save("shelf.png", ContentFile(png_bytes()), save=False)
        photo.save()
        reversion.add_to_revision(article)
    first, second = Browser(chief), Browser(editor)
    theirs = first.open(article_url(article))
    mine = second.open(article_url(article))
    theirs.set("images-0-caption", "职工在书屋读书")
    assert first.submit(theirs).status_code == 302

    mine.set("images-0-credit", "王晓明")
    response = second.submit(mine)

    assert response.status_code == 200
    html = response.content.decode()
    assert REFUSED in html
    assert "图片说明：“书屋一角” → “职工在书屋读书”（zhoumin，" in html
    photo.refresh_from_db()
    assert (photo.caption, photo.credit) == ("职工在书屋读书", "")

    assert second.submit(second.read(response, "article_form"), button="_reapply").status_code == 302
    photo.refresh_from_db()
    assert (photo.caption, photo.credit) == ("职工在书屋读书", "王晓明")


def test_a_script_sending_back_a_story_someone_changed_since_is_refused_and_the_story_stays_in_review(editor, article):
    from articles import services
    from unionpaper.concurrency import StaleVersion

    read = article.version
    changed = Article.objects.get(pk=article.pk)
    changed.headline = "职工书屋开进三号车间"
    changed.save()

    with pytest.raises(StaleVersion):
        services.return_to_draft(article=Article.objects.get(pk=article.pk), user=editor, note="请补充", version=read)

    article.refresh_from_db()
    assert (article.headline, article.status) == ("职工书屋开进三号车间", Status.REVIEW)
    services.return_to_draft(article=article, user=editor, note="请补充", version=article.version)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_a_script_withdrawing_a_story_someone_changed_since_is_refused_and_readers_still_see_it(chief, article, client):
    from articles import services
    from unionpaper.concurrency import StaleVersion

    services.publish_article(article=article, user=chief)
    issue = article.page.issue
    issue.status, issue.publish_at = Status.PUBLISHED, timezone.now() - datetime.timedelta(days=1)
    issue.save()
    read = Article.objects.get(pk=article.pk).version
    Article.objects.get(pk=article.pk).save()  # someone else's save

    with pytest.raises(StaleVersion):
        services.unpublish_article(article=Article.objects.get(pk=article.pk), user=chief, version=read)

    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED
    assert client.get(article.get_absolute_url()).status_code == 200
    current = Article.objects.get(pk=article.pk)
    services.unpublish_article(article=current, user=chief, version=current.version)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_reporters_script_submitting_a_draft_someone_changed_since_is_refused_and_it_stays_a_draft(reporter):
    from articles import services
    from unionpaper.concurrency import StaleVersion

    draft = make_article(make_page(make_issue(published=False)), published=False, created_by=reporter)
    read = Article.objects.get(pk=draft.pk).version
    Article.objects.get(pk=draft.pk).save()  # the reporter's own form, saved in another tab

    with pytest.raises(StaleVersion):
        services.submit_article(article=Article.objects.get(pk=draft.pk), user=reporter, version=read)

    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT
    current = Article.objects.get(pk=draft.pk)
    services.submit_article(article=current, user=reporter, version=current.version)
    assert Article.objects.get(pk=draft.pk).status == Status.REVIEW


def test_a_script_saving_a_stale_copy_is_told_which_version_it_read_and_which_is_current(chief, article):
    from articles import services
    from unionpaper.concurrency import StaleVersion

    stale = Article.objects.get(pk=article.pk)
    read = stale.version
    Article.objects.get(pk=article.pk).save()  # someone else's save

    with pytest.raises(StaleVersion) as refused:
        services.publish_article(article=stale, user=chief)

    said = f"稿件“职工书屋开进车间”在你打开之后已被他人修改（版本 {read} → {read + 1}），未保存。"
    assert refused.value.messages == [said]
