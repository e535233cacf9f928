"""Create the role 编辑部主任 (复审 of the 三审) and let editors move stories to the 回收站.

编辑部主任 may do what an 编辑 may; what sets the role apart is its review
stage (settings.NEWSROOM_REVIEW_STAGES). Users' scripts refer to the group
name; keep it exactly.
"""

import importlib

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

roles = importlib.import_module("issues.migrations.0002_newsroom_roles")

DEPARTMENT_HEAD = "编辑部主任"
TRASH = "articles.trash_article"
GRANTS = {
    DEPARTMENT_HEAD: [*roles.ROLES[roles.EDITOR], TRASH],
    roles.EDITOR: [TRASH],
    roles.CHIEF: [TRASH],
}


def _permission(Permission, alias, code):
    app_label, codename = code.split(".")
    return Permission.objects.using(alias).get(content_type__app_label=app_label, codename=codename)


def create_role(apps, schema_editor):
    alias = schema_editor.connection.alias
    for app_label in ("issues", "articles"):
        create_permissions(global_apps.get_app_config(app_label), verbosity=0, apps=apps, using=alias)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in GRANTS.items():
        group, _ = Group.objects.using(alias).get_or_create(name=name)
        group.permissions.add(*(_permission(Permission, alias, code) for code in codes))


def remove_role(apps, schema_editor):
    alias = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.using(alias).filter(name=DEPARTMENT_HEAD).delete()
    trash = _permission(Permission, alias, TRASH)
    for group in Group.objects.using(alias).filter(name__in=[roles.EDITOR, roles.CHIEF]):
        group.permissions.remove(trash)


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0007_canonical_page_codes"),
        ("issues", "0002_newsroom_roles"),
        ("articles", "0008_story_pool_review_trash"),
    ]

    operations = [migrations.RunPython(create_role, remove_role)]
