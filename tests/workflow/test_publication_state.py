"""The publication rule read from a row in Python says what its query says in SQL."""

import datetime

import pytest
import time_machine

from issues.models import Issue
from tests.factories import make_issue
from unionpaper.publishing import Status, is_public_state, is_scheduled_state

NOW = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)

STATES = [
    (Status.PUBLISHED, NOW - HOUR),
    (Status.PUBLISHED, NOW),
    (Status.PUBLISHED, NOW + HOUR),
    (Status.REVIEW, NOW - HOUR),
    (Status.DRAFT, NOW - HOUR),
]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_row_read_is_public_or_scheduled_exactly_when_the_query_says_so():
    issues = {
        make_issue(datetime.date(2023, 1, 1 + n), status=s, publish_at=at).pk: (s, at)
        for n, (s, at) in enumerate(STATES)
    }
    public = set(Issue.objects.published().values_list("pk", flat=True))
    scheduled = set(Issue.objects.scheduled().values_list("pk", flat=True))
    assert {pk for pk, (s, at) in issues.items() if is_public_state(s, at)} == public
    assert {pk for pk, (s, at) in issues.items() if is_scheduled_state(s, at)} == scheduled
    assert len(public) == 2 and len(scheduled) == 1
    assert not is_public_state(Status.PUBLISHED, None) and not is_scheduled_state(Status.PUBLISHED, None)
    assert all(Issue.objects.get(pk=pk).is_public == (pk in public) for pk in issues)


@pytest.mark.django_db
def test_coming_due_is_what_became_public_after_the_start_up_to_and_including_the_end():
    at_start = make_issue(datetime.date(2023, 1, 1), status=Status.PUBLISHED, publish_at=NOW)
    inside = make_issue(datetime.date(2023, 1, 2), status=Status.PUBLISHED, publish_at=NOW + HOUR)
    at_end = make_issue(datetime.date(2023, 1, 3), status=Status.PUBLISHED, publish_at=NOW + 2 * HOUR)
    make_issue(datetime.date(2023, 1, 4), status=Status.PUBLISHED, publish_at=NOW + 3 * HOUR)
    make_issue(datetime.date(2023, 1, 5), status=Status.DRAFT, publish_at=NOW + HOUR)
    due = set(Issue.objects.coming_due(NOW, NOW + 2 * HOUR))
    assert due == {inside, at_end}
    assert at_start not in due
