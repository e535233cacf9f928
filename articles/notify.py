"""E-mail to the newsroom when a story reaches a review stage or is returned to its author.

Sent with Django's mail (``EMAIL_URL``; the console in development) to those
concerned who have an address. The start page shows the same, mail or not.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.urls import reverse

from unionpaper.links import absolute_url

logger = logging.getLogger(__name__)


def _link(article) -> str:
    return absolute_url(reverse("admin:articles_article_change", args=[article.pk]))


def _send(messages):
    messages = [m for m in messages if m[3]]
    if not messages:
        return
    try:
        send_mass_mail(messages, fail_silently=False)
    except OSError:
        # A mail server that is down must not undo a decision already committed.
        logger.exception("newsroom mail not sent")


def reached(article, stage_label: str, group: str):
    """Tell the members of ``group`` that ``article`` waits for their ``stage_label``."""
    users = get_user_model().objects.filter(groups__name=group, is_active=True).exclude(email="").distinct()
    subject = f"【待{stage_label}】{article.headline}"
    body = f"《{article.headline}》已送到{stage_label}，请审阅：{_link(article)}"
    _send([(subject, body, settings.DEFAULT_FROM_EMAIL, [u.email]) for u in users])


def returned(article, step):
    """Tell the author that ``article`` was returned, with the note."""
    author = article.created_by
    if author is None or not author.email:
        return
    subject = f"【退回修改】{article.headline}"
    body = f"《{article.headline}》在{step.stage_label}被退回修改。\n意见：{step.note}\n修改：{_link(article)}"
    _send([(subject, body, settings.DEFAULT_FROM_EMAIL, [author.email])])
