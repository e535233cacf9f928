"""Create the newsroom roles 记者, 编辑 and 总编 with their permissions.

Users' scripts refer to these group names; keep them exactly.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTER = "记者"
EDITOR = "编辑"
CHIEF = "总编"

_REPORTER = [
    "articles.add_article",
    "articles.change_article",
    "articles.view_article",
    "articles.add_articleimage",
    "articles.change_articleimage",
    "articles.delete_articleimage",
    "articles.view_articleimage",
    "articles.view_theme",
    "issues.view_issue",
    "issues.view_page",
]
_EDITOR = [
    *_REPORTER,
    "articles.edit_others_articles",
    "articles.add_theme",
    "articles.change_theme",
    "issues.add_issue",
    "issues.change_issue",
    "issues.add_page",
    "issues.change_page",
    "issues.delete_page",
]
_CHIEF = [
    *_EDITOR,
    "articles.publish_article",
    "articles.delete_article",
    "articles.delete_theme",
    "issues.publish_issue",
    "issues.delete_issue",
]
ROLES = {REPORTER: _REPORTER, EDITOR: _EDITOR, CHIEF: _CHIEF}


def create_roles(apps, schema_editor):
    # Permissions are normally created after the whole migrate run; make them now.
    for app_label in ("issues", "articles"):
        create_permissions(
            global_apps.get_app_config(app_label), verbosity=0, apps=apps, using=schema_editor.connection.alias
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)
        perms = []
        for code in codes:
            app_label, codename = code.split(".")
            perms.append(
                Permission.objects.using(schema_editor.connection.alias).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.add(*perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0001_initial"),
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
