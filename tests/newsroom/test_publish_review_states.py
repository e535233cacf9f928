"""发布整期 stays the 总编's act, and its confirmation says exactly where each story stands in the 三审."""

import re

import pytest
from django.urls import reverse

from articles import publishing
from articles.models import Article
from tests.admin_http import Browser, shown_messages
from tests.factories import make_article, make_issue, make_page
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db

# headline -> (status, review_stage) of a story on the issue being prepared
STORIES = {
    "草稿一篇": (Status.DRAFT, ""),
    "等初审的": (Status.REVIEW, "first"),
    "初审前送审的": (Status.REVIEW, ""),  # submitted before stages were recorded: waits at the first
    "等复审的": (Status.REVIEW, "second"),
    "等终审的": (Status.REVIEW, "final"),
    "已终审的": (Status.REVIEW, "ready"),
}


@pytest.fixture
def issue():
    issue = make_issue(published=False)
    page = make_page(issue, "A01")
    for order, (headline, (status, stage)) in enumerate(STORIES.items()):
        make_article(page, headline=headline, published=False, status=status, review_stage=stage, order=order)
    return issue


def test_the_plan_counts_the_stories_by_review_stage_and_names_those_not_through_the_last(issue):
    plan = publishing.publish_plan(issue=issue)
    assert plan.review_counts == [
        ("草稿", 1),
        ("初审中", 2),
        ("复审中", 1),
        ("终审中", 1),
        ("待发布（已终审）", 1),
    ]
    assert [a.headline for a in plan.unreviewed] == ["草稿一篇", "等初审的", "初审前送审的", "等复审的", "等终审的"]
    assert plan.unreviewed_counts == [("草稿", 1), ("初审中", 2), ("复审中", 1), ("终审中", 1)]


def test_a_two_stage_paper_counts_its_own_stages(issue, settings):
    settings.NEWSROOM_REVIEW_STAGES = [
        {"key": "first", "label": "初审", "group": "编辑"},
        {"key": "final", "label": "终审", "group": "总编"},
    ]
    Article.objects.filter(review_stage="second").update(review_stage="final")
    plan = publishing.publish_plan(issue=issue)
    assert plan.review_counts == [("草稿", 1), ("初审中", 2), ("终审中", 2), ("待发布（已终审）", 1)]


def test_a_story_waiting_at_a_stage_the_paper_no_longer_has_is_counted_last_as_waiting(issue, settings):
    settings.NEWSROOM_REVIEW_STAGES = [
        {"key": "first", "label": "初审", "group": "编辑"},
        {"key": "final", "label": "终审", "group": "总编"},
    ]
    plan = publishing.publish_plan(issue=issue)
    assert plan.review_counts == [("草稿", 1), ("初审中", 2), ("终审中", 1), ("待发布（已终审）", 1), ("待审", 1)]


def test_the_confirmation_lists_each_storys_stage_and_warns_about_those_not_through_the_last(issue, chief):
    desk = Browser(chief)
    listing = desk.open(reverse("admin:issues_issue_changelist"), "changelist-form")
    listing.tick("_selected_action", issue.pk).set("action", "publish_issues")
    response = desk.submit(listing)
    assert response.status_code == 200
    html = response.content.decode()
    text = re.sub(r"<[^>]+>", "", html)

    counts = "草稿 1 篇、初审中 2 篇、复审中 1 篇、终审中 1 篇"
    assert f"新发布的 6 篇所处审稿环节：{counts}、待发布（已终审） 1 篇。" in text
    assert f"其中 5 篇尚未通过终审（{counts}）" in text
    assert "2023年01月01日有 5 篇稿件尚未通过终审" in text
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)]
    rows = {row[1]: row[3] for row in cells if len(row) == 5}  # 版次, 标题, 作者, 审稿环节, 发布后
    assert rows == {
        "草稿一篇": "<strong>草稿</strong>（未通过终审）",
        "等初审的": "<strong>初审中</strong>（未通过终审）",
        "初审前送审的": "<strong>初审中</strong>（未通过终审）",
        "等复审的": "<strong>复审中</strong>（未通过终审）",
        "等终审的": "<strong>终审中</strong>（未通过终审）",
        "已终审的": "待发布（已终审）",
    }
    assert "仍是草稿" not in text and "待审" not in text

    # What gets published is unchanged: the 总编 confirms, and every story goes live with the issue.
    confirmed = desk.submit(desk.read(response))
    assert confirmed.status_code == 302
    said = shown_messages(desk.client.get(confirmed.url).content.decode())
    assert any(level == "success" and t.endswith("同时发布稿件 6 篇，其中 5 篇未通过终审。") for level, t in said), said
    assert Article.objects.published().count() == len(STORIES)
