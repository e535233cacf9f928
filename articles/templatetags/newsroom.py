"""``{% newsroom_start as start %}``: what the admin's start page shows the signed-in user."""

from django import template

from ..newsroom import start_page

register = template.Library()


@register.simple_tag(takes_context=True)
def newsroom_start(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return None
    return start_page(user)
