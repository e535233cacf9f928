"""What the newsroom does in the admin, as a browser would post it."""

from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.admin_forms import article_data
from tests.people import client_for

WORD = "独一无二的车间书屋"  # the headline
BODY = "<p>书架上摆满了藏书千册</p>"
SEARCHED = "藏书千册"  # printed in the body only: the search page repeats the query


def public_text() -> str:
    """Return everything a reader (or a crawler) gets from the public paths, in one string."""
    reader = Client()
    paths = [
        "/",
        reverse("issues:page", kwargs={"date": "2023-01-01", "code": "A01"}),
        reverse("articles:feed_latest"),
        "/sitemap-articles.xml",
        f"/search/?q={SEARCHED}",
        f"/search/?q={SEARCHED}&format=csv",
        f"/search/?q={SEARCHED}&format=json",
        f"/search/?q={SEARCHED}&format=ris",
    ]
    out = []
    for path in paths:
        response = reader.get(path)
        assert response.status_code == 200, path
        out.append(b"".join(response) if response.streaming else response.content)
    return b"".join(out).decode()


class NoPage:
    pk = ""


def file_story(
    reporter, *, headline="车间里的职工书屋", body="<p>机械厂建起<strong>职工书屋</strong>。</p>", status="draft"
):
    """File a story through the admin's add form with no page (into the 稿库); return it."""
    data = article_data(page=NoPage(), headline=headline, body=body, status=status)
    response = client_for(reporter).post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Article.objects.get(headline=headline)


def decide(user, article, decision, note=""):
    """Post a decision from the review panel of the story's form; return the page it leads back to."""
    url = reverse("admin:articles_article_review", args=[article.pk])
    return client_for(user).post(url, {"decision": decision, "note": note}, follow=True)


def run_action(user, action, article, **extra):
    url = reverse("admin:articles_article_changelist")
    return client_for(user).post(url, {"action": action, "_selected_action": [article.pk], **extra}, follow=True)


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])
