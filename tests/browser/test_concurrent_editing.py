"""Two people edit the same article in two real browsers: each sees the other, and no edit is lost.

The 总编 and an 编辑 open the same article. The second sees at once who has
it open, the first within a heartbeat. The 总编 saves a new headline; the
编辑's form then says it was saved since; the 编辑's save of a subtitle is
refused with what changed, the subtitle still typed in, and 以我的修改覆盖
saves it on top of the new headline.
"""

import datetime
import os

import pytest
import reversion

from articles.models import Article
from tests.admin_browser import log_in
from tests.factories import make_article, make_issue, make_page
from unionpaper.publishing import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_editors_see_each_other_and_the_second_save_is_refused_then_reapplied(
    browser, live_server, editor, chief, settings, artifacts_dir
):
    settings.ADMIN_PRESENCE_INTERVAL = 1
    page = make_page(make_issue(datetime.date(2023, 1, 1), published=False))
    with reversion.create_revision():
        article = make_article(page, headline="职工书屋开进车间", published=False, status=Status.REVIEW)
    base = live_server.url
    url = f"{base}/admin/articles/article/{article.pk}/change/"

    first = log_in(browser.new_context(), base, chief)
    first.goto(url)
    assert first.locator("#presence-notice").is_hidden()
    second = log_in(browser.new_context(), base, editor)
    second.goto(url)

    # The second sees the first in the page as served; the first hears of the second by heartbeat.
    assert "正在由 zhoumin 编辑（自 " in second.inner_text("#presence-notice")
    # Polled by Playwright, not by a string evaluated in the page: the admin's policy forbids eval.
    first.locator("#presence-notice", has_text="linping").wait_for()
    assert first.locator("#presence-notice").is_visible()

    first.fill("#id_headline", "职工书屋开进三号车间")
    first.click("input[name=_save]")
    first.wait_for_url("**/admin/articles/article/")

    second.wait_for_selector("#presence-saved:not([hidden])")
    assert "zhoumin" in second.inner_text("#presence-saved")
    second.fill("#id_subtitle", "首批藏书三千册")
    second.click("input[name=_save]")
    second.wait_for_selector("#concurrency-conflict")
    conflict = second.inner_text("#concurrency-conflict")
    assert "未保存" in conflict
    assert "主标题：“职工书屋开进车间” → “职工书屋开进三号车间”（zhoumin，" in conflict
    assert second.input_value("#id_subtitle") == "首批藏书三千册"
    second.screenshot(path=os.path.join(artifacts_dir, "concurrent-edit-refused.png"), full_page=True)
    article.refresh_from_db()
    assert (article.headline, article.subtitle) == ("职工书屋开进三号车间", "")

    second.click("button[name=_reapply]")
    second.wait_for_url("**/admin/articles/article/")
    article.refresh_from_db()
    assert (article.headline, article.subtitle) == ("职工书屋开进三号车间", "首批藏书三千册")
    assert Article.objects.count() == 1
