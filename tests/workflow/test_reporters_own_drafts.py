"""A 记者 moves only their own drafts, also through the services scripts call (not only in the admin)."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from reversion.models import Version

from articles import services
from articles.models import Article
from tests.factories import make_article
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db


def draft_by(user, headline="职工书屋开进车间") -> Article:
    return make_article(headline=headline, published=False, created_by=user)


def assert_untouched(article: Article, status=Status.DRAFT):
    article.refresh_from_db()
    assert article.status == status
    assert not Version.objects.get_for_object(article).exists()


def test_a_reporter_cannot_submit_a_colleagues_draft(reporter, other_reporter):
    theirs = draft_by(other_reporter, headline="别人的稿件")
    with pytest.raises(PermissionDenied):
        services.submit_article(article=Article.objects.get(pk=theirs.pk), user=reporter)
    assert_untouched(theirs)
    assert not services.can_edit(reporter, theirs)


def test_a_reporter_submits_their_own_draft(reporter):
    mine = draft_by(reporter)
    services.submit_article(article=mine, user=reporter)
    mine.refresh_from_db()
    assert mine.status == Status.REVIEW
    assert Version.objects.get_for_object(mine).get().revision.comment == "送审"


@pytest.mark.parametrize("status", [Status.REVIEW, Status.PUBLISHED])
def test_a_reporter_cannot_change_their_own_article_once_it_left_draft(reporter, status):
    mine = make_article(published=False, created_by=reporter, status=status)
    assert not services.can_edit(reporter, mine)
    with pytest.raises(PermissionDenied):
        services.submit_article(article=mine, user=reporter)
    assert_untouched(mine, status)


def test_an_editor_submits_any_reporters_draft(reporter, editor):
    theirs = draft_by(reporter)
    assert services.can_edit(editor, theirs)
    services.submit_article(article=theirs, user=editor)
    theirs.refresh_from_db()
    assert theirs.status == Status.REVIEW


def test_staff_without_a_newsroom_role_cannot_submit_even_a_draft_they_created():
    outsider = User.objects.create_user("guest", "guest@example.org", "x", is_staff=True)
    draft = draft_by(outsider)
    assert not services.can_edit(outsider, draft)
    with pytest.raises(PermissionDenied):
        services.submit_article(article=draft, user=outsider)
    assert_untouched(draft)
