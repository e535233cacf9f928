"""The admin of staff accounts: a new member in one step (新建员工), ready to log in."""

from django import forms
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group

from ..staff import NEWSROOM_GROUPS


class StaffCreationForm(UserCreationForm):
    """Name, login, newsroom group and initial password, all on one page."""

    groups = forms.ModelMultipleChoiceField(
        label="岗位",
        queryset=Group.objects.all(),
        required=True,
        widget=forms.CheckboxSelectMultiple,
        help_text="记者、编辑、编辑部主任或总编；加入后即为员工，可以马上登录后台。",
    )

    class Meta(UserCreationForm.Meta):
        fields = ("first_name", "username", "email", "groups")
        labels = {"first_name": "姓名", "username": "登录名", "email": "电子邮箱"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["groups"].queryset = Group.objects.order_by("name")
        newsroom = list(Group.objects.filter(name__in=NEWSROOM_GROUPS).values_list("pk", flat=True))
        if newsroom:
            self.fields["groups"].queryset = Group.objects.filter(pk__in=newsroom).order_by("name")


class StaffUserAdmin(UserAdmin):
    add_form = StaffCreationForm
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("first_name", "username", "email", "groups", "password1", "password2")},
        ),
    )

    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, {"title": "新建员工", **(extra_context or {})})

    def save_model(self, request, obj, form, change):
        if not change:
            obj.is_staff = True  # a member of the newsroom from the start (the groups follow)
        super().save_model(request, obj, form, change)
