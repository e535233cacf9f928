"""Staff accounts in the admin: Django's user admin with the one-step 新建员工 form."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from unionpaper.adminkit.staff import StaffUserAdmin

User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
