"""What the admin shows around the forms: django-axes' names in Chinese.

The form layout itself is checked in a real browser (tests/browser/test_admin_layout.py).
"""

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db


def test_axes_app_and_tables_are_named_in_chinese_in_the_side_bar():
    admin = User.objects.create_superuser("root", "root@example.org", "x")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    for name in ("登录防护", "登录失败计数", "登录失败日志", "登录日志"):
        assert name in html
    for english in ("Axes", "AXES", "Access attempts", "Access failures", "Access logs"):
        assert english not in html
    page = client.get("/admin/axes/accessattempt/").content.decode()
    assert "登录失败计数" in page and "access attempt" not in page.lower()
