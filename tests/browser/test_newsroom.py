"""The newsroom end to end in a real Chromium.

A 记者 writes an article in the admin and submits it; the 总编 publishes the
issue through the action and its confirmation page; a reader then finds the
article at its public address.
"""

import datetime
import os

import pytest

from articles.models import Article
from issues.models import Issue
from tests.admin_browser import log_in
from tests.factories import make_issue, make_page
from unionpaper.publishing import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reporter_writes_chief_publishes_reader_reads(browser, live_server, reporter, chief, artifacts_dir):
    issue = make_issue(datetime.date(2023, 1, 1), published=False, number=1)
    make_page(issue, "A01", name="要闻")
    base = live_server.url

    # 记者: write the article and submit it for review.
    desk = browser.new_context()
    page = log_in(desk, base, reporter)
    page.goto(base + "/admin/articles/article/add/")
    page.click("#id_page + .select2 .select2-selection")
    page.fill(".select2-search__field", "A01")
    page.click(".select2-results__option:has-text('第A01版')")
    page.fill("#id_kicker", "技能大赛")
    page.fill("#id_headline", "车间里走出的“金牌工匠”")
    page.fill("#id_byline", "本报记者 王晓明")
    page.wait_for_selector("#cke_id_body .cke_wysiwyg_div")
    page.evaluate(
        "CKEDITOR.instances.id_body.setData('<p>在全市职工技能大赛上，机械厂的青年钳工<strong>夺得金牌</strong>。</p>')"
    )
    # Typing a theme asks for suggestions; let that answer arrive before saving, as a
    # person would. (The live server shares one SQLite connection between its
    # threads, so a request still running beside the save can break it.)
    with page.expect_response(lambda response: "/suggest/?q=" in response.url):
        page.fill("#id_themes", "技能竞赛、劳模工匠")
    statuses = page.eval_on_selector_all("#id_status option", "options => options.map(o => o.value)")
    assert statuses == ["draft", "review"]  # a reporter cannot even choose 已发布
    page.select_option("#id_status", "review")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    article = Article.objects.get(headline="车间里走出的“金牌工匠”")
    assert (article.status, article.created_by) == (Status.REVIEW, reporter)
    assert sorted(article.themes.names()) == ["劳模工匠", "技能竞赛"]

    # The reader cannot see it yet.
    reader = browser.new_context()
    public = reader.new_page()
    assert public.goto(base + article.get_absolute_url()).status == 404

    # 总编: publish the issue, after reading what will go live.
    chief_desk = browser.new_context()
    page = log_in(chief_desk, base, chief)
    page.goto(base + "/admin/issues/issue/")
    page.check(f"input.action-select[value='{issue.pk}']")
    page.select_option("select[name=action]", "publish_issues")
    page.click("button[name=index]")
    page.wait_for_selector("text=确认发布整期")
    assert page.locator(f"#plan-{issue.pk}").inner_text().count("车间里走出的“金牌工匠”") == 1
    assert not Issue.objects.get(pk=issue.pk).is_public  # nothing happens before confirming
    page.screenshot(path=os.path.join(artifacts_dir, "newsroom-publish-confirmation.png"), full_page=True)
    page.click("input[value=确认发布]")
    page.wait_for_url("**/admin/issues/issue/")
    assert "同时发布稿件 1 篇" in page.inner_text(".messagelist")

    # A reader finds it at its public address.
    response = public.goto(base + article.get_absolute_url())
    assert response.status == 200
    assert "车间里走出的“金牌工匠”" in public.inner_text("h1")
    assert "夺得金牌" in public.inner_text("body")
    public.screenshot(path=os.path.join(artifacts_dir, "newsroom-reader-article.png"), full_page=True)
    for context in (desk, reader, chief_desk):
        context.close()
