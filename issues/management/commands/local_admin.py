"""Create (once) and print a local admin login for development."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

PASSWORD_FILE = Path(settings.BASE_DIR) / ".local-admin-password"


class Command(BaseCommand):
    help = "开发环境：创建本地管理员 admin（只创建一次）并打印登录信息。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("local_admin only runs with DEBUG on; create production accounts with createsuperuser.")
        User = get_user_model()
        if PASSWORD_FILE.exists():
            password = PASSWORD_FILE.read_text().strip()
        else:
            password = secrets.token_urlsafe(12)
            PASSWORD_FILE.write_text(password + "\n")
            PASSWORD_FILE.chmod(0o600)
        user = User.objects.filter(username="admin").first()
        if user is None:
            User.objects.create_superuser("admin", "admin@localhost", password)
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        self.stdout.write(f"  Local admin login: admin / {password}")
