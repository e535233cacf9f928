"""Newsroom people: one user per role, created as the roles' migration defines them."""

import importlib

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client

PASSWORD = "Zhigong-tiandi-2023!"


def ensure_roles():
    """Create the roles as migration 0002 does, if a transactional test flushed them."""
    if Group.objects.filter(name__in=["记者", "编辑", "总编"]).count() == 3:
        return
    migration = importlib.import_module("issues.migrations.0002_newsroom_roles")

    class SchemaEditor:
        pass

    editor = SchemaEditor()
    editor.connection = connection
    migration.create_roles(apps, editor)


def make_staff(username: str, role: str) -> User:
    ensure_roles()
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
