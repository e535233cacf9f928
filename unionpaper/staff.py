"""Staff status follows newsroom membership: joining a newsroom group makes a user staff.

Without staff status Django's admin refuses the login with a message that
reads like a wrong password, so a 记者 added to the group must get it with
the group. Leaving the last group takes it away (a superuser keeps it).
Connected by ``connect()`` from an app's ``ready()``.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed

# The groups created by the roles' migrations (issues 0002, 0006); keep the names exactly.
NEWSROOM_GROUPS = ("记者", "编辑", "编辑部主任", "总编")


def sync_staff(user) -> None:
    """Give ``user`` staff status while in a newsroom group; take it away with the last group."""
    groups = set(user.groups.values_list("name", flat=True))
    staff = user.is_staff
    if groups & set(NEWSROOM_GROUPS):
        staff = True
    elif not groups and not user.is_superuser:
        staff = False
    if staff != user.is_staff:
        user.is_staff = staff
        type(user)._default_manager.filter(pk=user.pk).update(is_staff=staff)


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    User = get_user_model()
    if not reverse:
        sync_staff(instance)
    elif pk_set:
        for user in User._default_manager.filter(pk__in=pk_set):
            sync_staff(user)


def connect() -> None:
    m2m_changed.connect(_groups_changed, sender=get_user_model().groups.through, dispatch_uid="newsroom-staff")
