"""The project as a newcomer and an operator meet it: checks, migrations, settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, env=None):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_system_check_is_clean():
    result = manage("check")
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "ckeditor.W001" not in output
    assert "identified no issues" in output


@pytest.mark.parametrize(
    "command",
    [
        ("import_articles", "--dry-run", "no-such-file.txt"),
        ("search_archive", "法律援助"),
        ("showmigrations", "issues"),
    ],
)
def test_management_commands_print_only_their_own_output(command, tmp_path):
    result = manage(*command, env={"DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3"})
    output = result.stdout + result.stderr
    assert "ckeditor" not in output.lower() and "CKEditor 4.22.1" not in output, output


def test_models_and_migrations_agree():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_its_variables():
    env = {"DEBUG": "false", "SECRET_KEY": "", "ALLOWED_HOSTS": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY, ALLOWED_HOSTS" in result.stderr


def test_production_refuses_the_development_secret_key():
    env = {"DEBUG": "false", "SECRET_KEY": "short", "ALLOWED_HOSTS": "paper.example.org"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be a long random value" in result.stderr


def test_settings_read_database_url_and_paper_name_from_the_environment():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='unionpaper.settings'; django.setup();"
        "from django.conf import settings as s; d=s.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['HOST'], s.PAPER_NAME, s.TIME_ZONE, s.LANGUAGE_CODE, s.USE_TZ)"
    )
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": "postgres://editor:pw@db.example.org:5432/paper",
        "PAPER_NAME": "工人周刊",
    }
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [
        "django.db.backends.postgresql",
        "paper",
        "db.example.org",
        "工人周刊",
        "Asia/Shanghai",
        "zh-hans",
        "True",
    ]


@pytest.mark.django_db
def test_local_admin_login_is_printed_and_stable(tmp_path, monkeypatch, capsys, settings):
    settings.DEBUG = True
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from issues.management.commands import local_admin

    monkeypatch.setattr(local_admin, "PASSWORD_FILE", tmp_path / "pw")
    call_command("local_admin")
    first = capsys.readouterr().out
    call_command("local_admin")
    assert capsys.readouterr().out == first
    password = first.split("admin / ")[1].strip()
    assert get_user_model().objects.get(username="admin").check_password(password)
