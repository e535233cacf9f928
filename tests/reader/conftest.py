"""Fixtures of the reader's tests: the page cache off, staff with and without view permissions."""

import pytest
from django.contrib.auth.models import Group, User

from tests.people import PASSWORD


@pytest.fixture
def no_page_cache(settings):
    """Let every request reach the view (query counts, fresh renders)."""
    settings.PUBLIC_PAGE_CACHE = False


@pytest.fixture
def staff_with_view(db):
    """A 记者: staff with view permissions on issues and articles."""
    user = User.objects.create_user("wangxm", "wangxm@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="记者"))
    return user


@pytest.fixture
def staff_without_view(db):
    """Staff who may log in to the admin but hold no view permission."""
    return User.objects.create_user("guest", "guest@example.org", PASSWORD, is_staff=True)
