"""Logins: throttled against guessing, strong passwords, sessions that scripts cannot read."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.people import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def test_the_right_password_logs_an_editor_in(reporter):
    client = Client()
    response = attempt(client, reporter.username, PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_repeated_wrong_passwords_lock_the_account_even_against_the_right_one(reporter, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, reporter.username, "wrong-guess-123").status_code == 200
    locked = attempt(client, reporter.username, "wrong-guess-123")
    assert locked.status_code == 429
    assert "登录已暂停" in locked.content.decode()
    after = attempt(client, reporter.username, PASSWORD)
    assert after.status_code == 429
    assert client.get("/admin/").status_code == 302  # still not logged in


def test_one_address_guessing_many_names_is_locked_out(reporter, other_reporter, settings):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"guess{i}", "wrong-guess-123")
    assert attempt(client, reporter.username, PASSWORD).status_code == 429


def test_the_lock_lifts_after_the_cool_off(reporter, settings):
    import time_machine
    from django.utils import timezone

    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, reporter.username, "wrong-guess-123")
        assert attempt(client, reporter.username, PASSWORD).status_code == 429
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME + timezone.timedelta(minutes=1), tick=False):
        assert attempt(client, reporter.username, PASSWORD).status_code == 302


@pytest.mark.parametrize("password", ["12345678901", "password123", "wangxm2023", "short1!"])
def test_weak_passwords_are_refused(reporter, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=reporter)


def test_a_long_unusual_password_is_accepted(reporter):
    validate_password("职工天地-夜班-编辑-42", user=reporter)


def test_the_session_cookie_is_hidden_from_scripts_and_other_sites(reporter, settings):
    response = attempt(Client(), reporter.username, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert 0 < int(cookie["max-age"]) <= 12 * 3600
