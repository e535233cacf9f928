"""Public pages come from the cache until something they show changes."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.factories import make_article, make_issue, make_page
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2024, 5, 1, 4, 0, tzinfo=datetime.UTC)


@pytest.fixture
def article():
    return make_article(make_page(make_issue(datetime.date(2024, 5, 1)), "A01"), headline="第一稿", themes=["法律援助"])


def get(client, url, **headers):
    return client.get(url, headers=headers)


def test_second_visit_is_served_from_the_cache(client, article):
    first = get(client, article.get_absolute_url())
    second = get(client, article.get_absolute_url())
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert first.content == second.content


def test_editing_an_article_shows_at_once(client, article):
    get(client, article.get_absolute_url())
    article.headline = "改过的标题"
    article.save()
    response = get(client, article.get_absolute_url())
    assert "改过的标题" in response.content.decode()
    assert response["X-Page-Cache"] == "miss"


def test_unpublishing_removes_the_cached_page(client, article):
    assert get(client, article.get_absolute_url()).status_code == 200
    article.status = Status.DRAFT
    article.save()
    assert get(client, article.get_absolute_url()).status_code == 404


def test_unpublishing_the_issue_removes_its_cached_pages(client, article):
    assert get(client, article.get_absolute_url()).status_code == 200
    issue = article.page.issue
    issue.status = Status.DRAFT
    issue.save()
    assert get(client, article.get_absolute_url()).status_code == 404


def test_renaming_a_page_shows_at_once(client, article):
    url = article.page.get_absolute_url()
    get(client, url)
    article.page.name = "新版名"
    article.page.save()
    assert "新版名" in get(client, url).content.decode()


def test_changing_an_articles_themes_starts_its_pages_afresh(client, article):
    get(client, article.get_absolute_url())
    before = get(client, article.get_absolute_url())
    assert before["X-Page-Cache"] == "hit"
    article.themes.add("技能竞赛")
    assert get(client, article.get_absolute_url())["X-Page-Cache"] == "miss"


def test_scheduled_article_appears_when_its_time_passes_without_any_save(client):
    with time_machine.travel(NOON, tick=False):
        page = make_page(make_issue(datetime.date(2024, 5, 1)), "A01")
        make_article(page, headline="早已发布的稿件")
        make_article(page, headline="定时稿件", publish_at=timezone.now() + datetime.timedelta(hours=1))
        url = page.get_absolute_url()
        assert "定时稿件" not in get(client, url).content.decode()
        cached = get(client, url)
        assert cached["X-Page-Cache"] == "hit" and "定时稿件" not in cached.content.decode()
    with time_machine.travel(NOON + datetime.timedelta(hours=1, seconds=1), tick=False):
        response = get(client, url)
        assert response["X-Page-Cache"] == "miss"
        assert "定时稿件" in response.content.decode()


@pytest.mark.parametrize("later", ["article", "issue"])
def test_of_two_scheduled_publications_the_sooner_refreshes_cached_pages_at_its_time(client, later):
    """Cached pages start afresh when the soonest scheduled item comes due, not the latest."""
    with time_machine.travel(NOON, tick=False):
        page = make_page(make_issue(datetime.date(2024, 5, 1)), "A01")
        make_article(page, headline="早已发布的稿件")
        make_article(page, headline="一小时后的稿件", publish_at=timezone.now() + datetime.timedelta(hours=1))
        in_three_hours = timezone.now() + datetime.timedelta(hours=3)
        if later == "article":
            make_article(page, headline="三小时后的稿件", order=2, publish_at=in_three_hours)
        else:
            make_page(make_issue(datetime.date(2024, 5, 2), publish_at=in_three_hours), "A01")
        url = page.get_absolute_url()
        assert "一小时后的稿件" not in get(client, url).content.decode()
        assert get(client, url)["X-Page-Cache"] == "hit"
    with time_machine.travel(NOON + datetime.timedelta(hours=1, seconds=1), tick=False):
        html = get(client, url).content.decode()
        assert "一小时后的稿件" in html and "三小时后的稿件" not in html
    with time_machine.travel(NOON + datetime.timedelta(hours=3, seconds=1), tick=False):
        assert get(client, "/issues/2024-05-02/").status_code == (200 if later == "issue" else 404)
        assert ("三小时后的稿件" in get(client, url).content.decode()) == (later == "article")


def test_revalidation_gets_304_until_the_content_changes(client, article):
    url = article.get_absolute_url()
    first = get(client, url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert get(client, url, if_none_match=etag).status_code == 304
    assert get(client, url, if_modified_since=modified).status_code == 304
    article.body = "<p>更正后的正文</p>"
    article.save()
    fresh = get(client, url, if_none_match=etag)
    assert fresh.status_code == 200 and "更正后的正文" in fresh.content.decode()


def test_signed_in_staff_are_never_served_a_shared_page(admin_client, client, article):
    get(client, article.get_absolute_url())
    response = admin_client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in response


def test_admin_pages_are_never_cached(admin_client, article):
    response = admin_client.get("/admin/articles/article/")
    assert "X-Page-Cache" not in response


def test_a_page_rendered_before_a_change_commits_is_not_served_after_it(
    client, article, django_capture_on_commit_callbacks
):
    from unionpaper import cache_keys

    url = article.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "提交中的标题"
        article.save()
        tick_during_transaction = cache_keys.clock()
    # Once committed the change's keys move again, so anything cached meanwhile is never served.
    assert cache_keys.clock() > tick_during_transaction
    assert "提交中的标题" in get(client, url).content.decode()


def test_many_saves_in_one_bulk_block_start_pages_afresh_once_at_its_flush(client, article):
    from unionpaper import cache_keys
    from unionpaper.cache import DeferredBumps

    url = article.get_absolute_url()
    get(client, url)
    before = cache_keys.clock()
    bumps = DeferredBumps()
    with bumps.deferring():
        with DeferredBumps().deferring():  # nested: the outer holder keeps the bumps
            article.headline = "批量改过的标题"
            article.save()
        make_article(article.page, headline="批量新增的稿件", order=9)
        assert cache_keys.clock() == before
        assert get(client, url)["X-Page-Cache"] == "hit"
    assert cache_keys.clock() == before
    bumps.flush()
    assert cache_keys.clock() != before
    response = get(client, url)
    assert response["X-Page-Cache"] == "miss" and "批量改过的标题" in response.content.decode()


def test_a_bulk_block_that_fails_half_way_still_starts_pages_afresh(client, article):
    from unionpaper.cache import DeferredBumps

    url = article.get_absolute_url()
    get(client, url)
    bumps = DeferredBumps()
    # As the importer does: the flush sits in ``finally``, so an error half way still bumps.
    with pytest.raises(RuntimeError):
        try:
            with bumps.deferring():
                article.headline = "出错前已保存的标题"
                article.save()
                raise RuntimeError("导入中途出错")
        finally:
            bumps.flush()
    assert "出错前已保存的标题" in get(client, url).content.decode()


def test_an_import_shows_on_cached_pages_once_it_ends(client, tmp_path):
    import io

    from django.core.management import call_command

    from tests.importing.samples import seed_shape

    issue = make_issue(datetime.date(2023, 3, 5))
    page = make_page(issue, "A03")
    make_article(page, headline="早已在版上的稿件")
    url = page.get_absolute_url()
    assert "早已在版上的稿件" in get(client, url).content.decode()
    assert get(client, url)["X-Page-Cache"] == "hit"
    (tmp_path / "a.txt").write_text(seed_shape(heading="导入的新稿件标题"), encoding="utf-8")
    (tmp_path / "b.txt").write_text(seed_shape(heading="导入的另一篇稿件", page="第A04版"), encoding="utf-8")
    call_command("import_articles", str(tmp_path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    response = get(client, url)
    assert response["X-Page-Cache"] == "miss" and "导入的新稿件标题" in response.content.decode()


def test_a_page_cached_for_one_language_is_not_served_in_another(client, article, settings):
    settings.LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]  # the paper has one; the cache allows for more
    url = article.get_absolute_url()
    english = client.get(url, headers={"accept-language": "en"})
    assert english["Content-Language"] == "en"
    chinese = client.get(url, headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert chinese["Content-Language"] == "zh-hans" and chinese["X-Page-Cache"] == "miss"
    assert client.get(url, headers={"accept-language": "zh-CN,zh;q=0.9"})["X-Page-Cache"] == "hit"


def test_a_deploy_that_runs_migrate_starts_every_page_afresh(client, article):
    import io

    from django.core.management import call_command

    url = article.get_absolute_url()
    get(client, url)
    assert get(client, url)["X-Page-Cache"] == "hit"
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    assert get(client, url)["X-Page-Cache"] == "miss"


def test_with_a_replica_pages_made_just_after_a_change_are_shown_but_not_kept(client, article, settings):
    settings.REPLICA_LAG_SECONDS = 5
    url = article.get_absolute_url()
    article.headline = "刚改的标题"
    article.save()
    first, second = get(client, url), get(client, url)
    assert "刚改的标题" in second.content.decode()
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "miss"
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=6)):
        get(client, url)
        assert get(client, url)["X-Page-Cache"] == "hit"


def test_a_schedule_looked_up_before_a_change_is_not_trusted_after_it(client, article):
    from django.core.cache import cache

    from unionpaper import cache_keys
    from unionpaper.dependency_cache import NEVER, SCHEDULE_KEY

    url = article.page.get_absolute_url()
    before = cache_keys.clock()
    scheduled = make_article(
        article.page, headline="一小时后发布", order=5, publish_at=timezone.now() + datetime.timedelta(hours=1)
    )
    # A reader that looked the schedule up just before that save writes its answer after the save's keys moved.
    cache.set(SCHEDULE_KEY, (before, NEVER), timeout=None)
    assert scheduled.headline not in get(client, url).content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert scheduled.headline in get(client, url).content.decode()


def test_migrate_still_runs_when_the_cache_is_down(monkeypatch, caplog):
    import io

    from django.core.cache import cache
    from django.core.management import call_command

    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "set", down)
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    assert (
        "migrate could not start cached pages afresh (ConnectionError: cache unreachable); "
        "run it again once the cache answers"
    ) in caplog.messages


@pytest.fixture
def shared_http_cache(settings):
    from tests.serving.test_frontend_cache import FakeAPI, fastly

    api = FakeAPI()
    settings.FRONTEND_CACHES = {"fastly": fastly(api)}
    yield api
    api.close()


def purged(api) -> list[str]:
    return [r["headers"]["surrogate-key"] for r in api.requests]


@pytest.mark.django_db(transaction=True)
def test_a_deploy_purges_the_whole_site_from_the_shared_cache_once_however_often_the_apps_were_readied(
    shared_http_cache,
):
    import io

    from django.apps import apps
    from django.core.management import call_command

    from unionpaper import cache_keys
    from unionpaper.cache import start_afresh_after_migrate_of

    start_afresh_after_migrate_of(apps.get_app_config("issues"))  # a second setup of the apps, as a reload does
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    assert purged(shared_http_cache) == [cache_keys.SITE]


def test_starting_the_site_afresh_renders_every_page_again(client, article):
    from unionpaper.cache import bump_generation

    urls = [article.get_absolute_url(), article.page.get_absolute_url()]
    for url in urls:
        get(client, url)
        assert get(client, url)["X-Page-Cache"] == "hit"
    bump_generation()
    assert [get(client, url)["X-Page-Cache"] for url in urls] == ["miss", "miss"]


def test_a_data_migration_starting_the_site_afresh_purges_the_shared_cache_once_it_commits(
    client, article, shared_http_cache, django_capture_on_commit_callbacks
):
    from unionpaper import cache_keys
    from unionpaper.cache import bump_generation_now_and_on_commit

    url = article.get_absolute_url()
    get(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        bump_generation_now_and_on_commit()
        assert purged(shared_http_cache) == []
        assert get(client, url)["X-Page-Cache"] == "miss"
    (keys,) = purged(shared_http_cache)  # one purge, with the article's own save in the same transaction
    assert cache_keys.SITE in keys.split(" ")
    assert get(client, url)["X-Page-Cache"] == "miss"


def test_an_importer_between_files_leaves_the_callers_own_saves_bumping(article, tmp_path):
    from articles.importing.service import ImportRun
    from tests.importing.samples import seed_shape
    from unionpaper import cache_keys

    for n in range(2):
        (tmp_path / f"{n}.txt").write_text(seed_shape(heading=f"第{n}篇导入稿件的标题"), encoding="utf-8")
    results = ImportRun().import_files(sorted(tmp_path.iterdir()))
    next(results)
    before = cache_keys.clock()
    article.headline = "导入途中另行修改"
    article.save()
    assert cache_keys.clock() != before
    list(results)


@pytest.mark.parametrize("url", ["/", "/admin/login/"])
def test_a_browser_set_to_english_still_gets_the_paper_and_the_admin_in_chinese(client, article, url):
    response = client.get(url, headers={"accept-language": "en-US,en;q=0.9"})
    html = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert 'lang="zh-hans"' in html or 'lang="zh-CN"' in html
    if url == "/admin/login/":
        assert "用户名" in html and "Username" not in html
