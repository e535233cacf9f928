"""Signing in to the admin in a real browser, for the browser tests."""

from tests.people import PASSWORD


def log_in(context, base, user):
    """Return a new page of ``context`` signed in to the admin at ``base`` as ``user``."""
    page = context.new_page()
    page.goto(base + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page
