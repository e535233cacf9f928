"""Every change records who made it: articles added in a page's article table too."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.admin_forms import rendered_form_data
from tests.factories import make_issue, make_page
from tests.people import client_for

pytestmark = pytest.mark.django_db


def test_an_article_added_in_the_page_form_records_who_added_it(editor):
    page = make_page(make_issue(published=False), "A02", name="工会动态")
    client = client_for(editor)
    url = reverse("admin:issues_page_change", args=[page.pk])
    data = rendered_form_data(client.get(url))
    data.update(
        {
            "articles-TOTAL_FORMS": "1",
            "articles-0-page": str(page.pk),
            "articles-0-order": "1",
            "articles-0-kicker": "",
            "articles-0-headline": "版面上新加的稿件",
            "articles-0-byline": "本报记者 王晓明",
            "articles-0-status": "draft",
        }
    )
    assert client.post(url, data).status_code == 302
    article = Article.objects.get(headline="版面上新加的稿件")
    assert article.created_by == editor
    shown = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert editor.get_username() in shown
