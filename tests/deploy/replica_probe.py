"""Run inside a process configured with a primary and a streaming replica.

Writes through the ORM and the admin, reads through public pages, and prints
which database served what, as JSON, for tests/deploy/test_replica.py.
"""

import datetime
import json
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionpaper.settings")
django.setup()

from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from issues.models import Issue, Page
from unionpaper.publishing import Status


def wait_for_replica(check, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


result = {}
with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as replica:
    issue = Issue.objects.create(date=datetime.date(2024, 5, 1), status=Status.PUBLISHED)
    page = Page.objects.create(issue=issue, code="A01", name="要闻")
    article = Article.objects.create(page=page, headline="复制测试稿件", status=Status.PUBLISHED, body="<p>正文</p>")
    result["writes_on_primary"] = sum(q["sql"].startswith("INSERT") for q in primary.captured_queries)
    result["writes_on_replica"] = sum(q["sql"].startswith("INSERT") for q in replica.captured_queries)

result["replicated"] = wait_for_replica(lambda: Article.objects.using("replica").filter(pk=article.pk).exists())

client = Client()
for name, url in [("article", f"/articles/{article.pk}/"), ("page", "/issues/2024-05-01/A01/"), ("home", "/")]:
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(url)
    result[name] = {
        "status": response.status_code,
        "primary": len(primary.captured_queries),
        "primary_sql": [q["sql"] for q in primary.captured_queries],
        "replica": len(replica.captured_queries),
        "shows_headline": "复制测试稿件" in response.content.decode(),
    }

User = get_user_model()
User.objects.create_superuser("replica-admin", "r@example.org", "a-long-password-for-tests")
client.force_login(User.objects.get(username="replica-admin"))
with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as replica:
    response = client.get(f"/admin/articles/article/{article.pk}/change/")
result["admin"] = {
    "status": response.status_code,
    "primary": len(primary.captured_queries),
    "replica": len(replica.captured_queries),
}

# Publishing renders the new issue's pages ahead, inside its transaction: from the primary,
# since the replica cannot have what is not committed yet.
from articles.publishing import publish_issue

next_issue = Issue.objects.create(date=datetime.date(2024, 5, 2), status=Status.DRAFT)
next_page = Page.objects.create(issue=next_issue, code="A01", name="要闻")
Article.objects.create(page=next_page, headline="提前生成的头条", status=Status.REVIEW, body="<p>正文</p>")
publish_issue(issue=next_issue, user=User.objects.get(username="replica-admin"))
home = Client().get("/")
result["ahead"] = {
    "served": home["X-Page-Cache"],
    "shows_headline": "提前生成的头条" in home.content.decode(),
}
print(json.dumps(result))
