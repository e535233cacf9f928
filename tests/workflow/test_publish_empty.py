"""Publishing an issue without pages, or with pages without scans, is warned of, not refused.

The 发布整期 confirmation once said only 本期还没有稿件，只会发布期和版面 for an
issue with no pages at all; once published, readers opening the home page
saw 本期尚无版面 and nothing else.
"""

import datetime
import re

import pytest
from django.urls import reverse

from issues.models import Issue
from tests.factories import make_article, make_issue, make_page
from tests.people import client_for

pytestmark = pytest.mark.django_db

NO_PAGES = "本期还没有任何版面：</strong>发布后读者在首页只会看到“本期尚无版面”"


def confirmation(user, *issues) -> str:
    response = client_for(user).post(
        reverse("admin:issues_issue_changelist"),
        {"action": "publish_issues", "_selected_action": [i.pk for i in issues]},
    )
    assert response.status_code == 200
    return response.content.decode()


def module(html, issue) -> str:
    """The confirmation's section for ``issue``."""
    match = re.search(rf'<div class="module" id="plan-{issue.pk}">(.*?)\n</div>', html, re.S)
    assert match, html
    return match.group(1)


def test_an_issue_without_pages_is_warned_of_prominently(chief):
    issue = make_issue(datetime.date(2024, 5, 1), published=False)
    html = confirmation(chief, issue)
    section = module(html, issue)
    assert '<p class="errornote publish-warning no-pages">' in section
    assert NO_PAGES in section
    assert "只会发布期和版面" not in section  # there are no pages to publish
    # Said again beside the button, where the 总编 clicks.
    tail = html[html.index('<form method="post">') :]
    assert "2024年05月01日还没有任何版面" in tail
    assert tail.index("2024年05月01日还没有任何版面") < tail.index('value="确认发布"')


def test_the_warning_does_not_block_publishing(chief, client):
    issue = make_issue(datetime.date(2024, 5, 1), published=False)
    response = client_for(chief).post(
        reverse("admin:issues_issue_changelist"),
        {"action": "publish_issues", "confirm": "yes", "publish_at": "", "_selected_action": [issue.pk]},
    )
    assert response.status_code == 302
    assert Issue.objects.get(pk=issue.pk).is_public
    assert "本期尚无版面" in client.get("/").content.decode()  # what the warning promised


def test_pages_without_scans_are_named(chief):
    issue = make_issue(datetime.date(2024, 5, 1), published=False)
    make_page(issue, "A01", name="要闻", image=True)
    make_page(issue, "A02", name="工会动态")
    make_page(issue, "A03", name="")
    section = module(confirmation(chief, issue), issue)
    assert '<p class="errornote publish-warning no-scans">' in section
    assert "本期有 2 个版面还没有版面图" in section
    assert "第A02版 工会动态、第A03版。读者在这些版只会看到“本版暂无版面图”" in section
    assert "第A01版" not in section.split("no-scans")[1].split("</p>")[0]
    assert NO_PAGES not in section


def test_no_page_with_a_scan_says_all(chief):
    issue = make_issue(datetime.date(2024, 5, 1), published=False)
    make_page(issue, "A01")
    section = module(confirmation(chief, issue), issue)
    assert "本期所有版面都还没有版面图" in section


def test_a_complete_issue_has_no_page_warning(chief):
    issue = make_issue(datetime.date(2024, 5, 1), published=False)
    page = make_page(issue, "A01", image=True, pdf=True)
    make_article(page, published=False)
    html = confirmation(chief, issue)
    assert "publish-warning" not in html
    assert "将上线稿件 1 篇" in html


def test_each_selected_issue_is_checked_on_its_own(chief):
    empty = make_issue(datetime.date(2024, 5, 1), published=False)
    complete = make_issue(datetime.date(2024, 5, 8), published=False)
    make_page(complete, "A01", image=True)
    html = confirmation(chief, empty, complete)
    assert NO_PAGES in module(html, empty)
    assert "publish-warning" not in module(html, complete)
    assert "本期还没有稿件，只会发布期和版面。" in module(html, complete)
