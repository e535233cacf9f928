"""Newsroom people: one user per role, created as the roles' migration defines them."""

import importlib

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client

PASSWORD = "Zhigong-tiandi-2023!"


def ensure_roles():
    """Create the roles as migration 0002 does, if a transactional test flushed them."""
    if Group.objects.filter(name__in=["记者", "编辑", "编辑部主任", "总编"]).count() == 4:
        return

    class SchemaEditor:
        pass

    editor = SchemaEditor()
    editor.connection = connection
    importlib.import_module("issues.migrations.0002_newsroom_roles").create_roles(apps, editor)
    importlib.import_module("issues.migrations.0008_department_head_role").create_role(apps, editor)


def make_staff(username: str, role: str) -> User:
    ensure_roles()
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
