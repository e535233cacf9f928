"""Search returns exactly what Article.objects.published() returns, at any time."""

import datetime
import itertools

import time_machine
from django.utils import timezone

from articles.models import Article
from articles.search import results
from tests.factories import make_article, make_issue, make_page
from unionpaper.publishing import Status


def test_search_agrees_with_the_public_rule_in_every_state(db):
    now = timezone.now().replace(microsecond=0)
    times = [None, now - datetime.timedelta(days=2), now + datetime.timedelta(days=2)]
    states = [Status.DRAFT, Status.REVIEW, Status.PUBLISHED]
    day = itertools.count()
    for issue_status, issue_at in itertools.product(states, times):
        issue = make_issue(
            datetime.date(2020, 1, 1) + datetime.timedelta(days=next(day)),
            published=False,
            status=issue_status,
            publish_at=issue_at,
        )
        page = make_page(issue)
        for n, (status, at) in enumerate(itertools.product(states, times)):
            article = make_article(page, published=False, status=status, order=n, body="<p>可见性检查</p>")
            if at != article.publish_at:  # save() fills publish_at for published ones; keep what we mean
                Article.objects.filter(pk=article.pk).update(publish_at=at)
                article.refresh_from_db()
                article.save()
    for moment in (now, now + datetime.timedelta(days=3)):
        with time_machine.travel(moment):
            search = results.run({"q": "可见性检查"}, per_page=1000)
            found = {h.article.id for h in search.hits}
            public = set(Article.objects.published().values_list("id", flat=True))
            assert found == public
            assert search.matches.total == len(public)
