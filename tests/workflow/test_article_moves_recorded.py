"""Every move of an article is one revision naming who made it and what it was; every refusal says why."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from reversion.models import Version

from articles import services
from tests.factories import make_article
from unionpaper.publishing import Status

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 5, 1, 8, 0, tzinfo=datetime.UTC)


def last_revision(article):
    return Version.objects.get_for_object(article).order_by("-revision__date_created", "-pk").first().revision


@time_machine.travel(NOW, tick=False)
def test_each_move_is_recorded_with_its_author_and_name(reporter, editor, chief):
    article = make_article(published=False, created_by=reporter)
    moves = [
        (lambda: services.submit_article(article=article, user=reporter), reporter, "送审"),
        (
            lambda: services.return_to_draft(article=article, user=editor, note="请补充采访对象"),
            editor,
            "初审退回修改：请补充采访对象",
        ),
        (lambda: services.submit_article(article=article, user=reporter), reporter, "送审"),
        (lambda: services.publish_article(article=article, user=chief), chief, "发布"),
        (lambda: services.unpublish_article(article=article, user=chief), chief, "撤回发布"),
        (
            lambda: services.publish_article(article=article, user=chief, at=NOW + datetime.timedelta(hours=2)),
            chief,
            "定时发布",
        ),
    ]
    for number, (move, user, comment) in enumerate(moves, start=1):
        move()
        revision = last_revision(article)
        assert (revision.user, revision.comment) == (user, comment)
        assert Version.objects.get_for_object(article).count() == number


@time_machine.travel(NOW, tick=False)
def test_publishing_at_this_very_moment_is_publishing_not_scheduling(chief):
    article = make_article(published=False)
    services.publish_article(article=article, user=chief, at=NOW)
    assert last_revision(article).comment == "发布"


def test_each_refusal_says_who_may_do_it(reporter, editor):
    article = make_article(published=False, created_by=reporter, status=Status.REVIEW)
    refusals = [
        (
            lambda: services.submit_article(article=article, user=editor),
            ValidationError,
            "只有草稿可以送审；《职工书屋开进车间》当前为待审。",
        ),
        (lambda: services.submit_article(article=article, user=reporter), PermissionDenied, "你不能修改这篇稿件。"),
        (
            lambda: services.return_to_draft(article=article, user=reporter, note="退回"),
            PermissionDenied,
            "初审由“编辑”决定，你不能审这篇稿件。",
        ),
        (lambda: services.publish_article(article=article, user=editor), PermissionDenied, "只有总编可以发布稿件。"),
        (
            lambda: services.unpublish_article(article=article, user=editor),
            PermissionDenied,
            "只有总编可以撤回已发布的稿件。",
        ),
    ]
    for move, error, message in refusals:
        with pytest.raises(error) as refused:
            move()
        text = refused.value.messages[0] if isinstance(refused.value, ValidationError) else str(refused.value)
        assert text.startswith(message), text
    draft = make_article(article.page, published=False, headline="草稿一篇")
    with pytest.raises(ValidationError) as refused:
        services.return_to_draft(article=draft, user=editor)
    assert refused.value.messages == ["只有待审稿件可以退回；《草稿一篇》当前为草稿。"]
    assert not Version.objects.get_for_object(article).exists()
