"""Staff accounts in one step, staff status that follows the groups, and the page picker's dates."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from tests.factories import make_issue, make_page
from tests.people import client_for, ensure_roles

PASSWORD = "Xinyuangong-2024!"


@pytest.fixture
def superuser(db):
    ensure_roles()
    return User.objects.create_superuser("admin", "admin@example.org", "Guanliyuan-2024!")


def test_a_new_reporter_is_made_in_one_step_and_logs_in_at_once(superuser):
    add = client_for(superuser).get(reverse("admin:auth_user_add")).content.decode()
    assert "新建员工" in add
    for name in ("first_name", "username", "groups", "password1", "password2"):
        assert f'name="{name}"' in add
    reporter = Group.objects.get(name="记者")
    response = client_for(superuser).post(
        reverse("admin:auth_user_add"),
        {
            "first_name": "王晓明",
            "username": "wangxm",
            "email": "",
            "groups": [reporter.pk],
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="wangxm")
    assert user.is_staff and list(user.groups.values_list("name", flat=True)) == ["记者"]
    browser = Client()
    login = browser.post(reverse("admin:login"), {"username": "wangxm", "password": PASSWORD})
    assert login.status_code == 302
    assert browser.get(reverse("admin:articles_article_add")).status_code == 200


def test_joining_a_newsroom_group_makes_staff_and_leaving_the_last_one_takes_it_away(db):
    ensure_roles()
    user = User.objects.create_user("lihua", password=PASSWORD)
    assert not user.is_staff
    user.groups.add(Group.objects.get(name="编辑"))
    user.refresh_from_db()
    assert user.is_staff
    Group.objects.get(name="总编").user_set.add(user)  # from the group's side too
    user.groups.remove(Group.objects.get(name="编辑"))
    user.refresh_from_db()
    assert user.is_staff  # still a 总编
    user.groups.clear()
    user.refresh_from_db()
    assert not user.is_staff


def test_the_department_head_group_exists_with_the_editors_permissions(db):
    ensure_roles()
    head = set(Group.objects.get(name="编辑部主任").permissions.values_list("codename", flat=True))
    editor = set(Group.objects.get(name="编辑").permissions.values_list("codename", flat=True))
    assert editor <= head and "trash_article" in head and "publish_article" not in head


@pytest.mark.parametrize("term", ["2024年06月01日", "2024-06-01", "06-01", "6月1日", "2024年06月01日 第A03版"])
def test_the_page_picker_finds_a_page_by_its_date_however_written(editor, term):
    wanted = make_page(make_issue(datetime.date(2024, 6, 1), published=False), "A03", name="职工生活")
    make_page(make_issue(datetime.date(2024, 5, 1), published=False), "A03", name="职工生活")
    found = pick(editor, term)
    assert wanted.pk in found and len(found) == 1


@pytest.mark.parametrize("term", ["A03", "职工生活"])
def test_the_page_picker_finds_a_page_by_code_or_name(editor, term):
    wanted = make_page(make_issue(datetime.date(2024, 6, 1), published=False), "A03", name="职工生活")
    make_page(wanted.issue, "A01", name="要闻")
    assert pick(editor, term) == [wanted.pk]


def pick(user, term):
    response = client_for(user).get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "page", "term": term},
    )
    assert response.status_code == 200
    return [int(r["id"]) for r in response.json()["results"]]
