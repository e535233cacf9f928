"""Publication state shared by issues and articles.

What the public may see is decided here and nowhere else: a row is public
when its status is 已发布 and its publication time has come. Because the time
is compared with *now* on every query, a scheduled publication takes effect
with no cron job or worker.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW = "review", "待审"
    PUBLISHED = "published", "已发布"


def published_q(prefix: str = "", *, now=None) -> Q:
    """Return the condition "published and due" for the model at ``prefix``."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}publish_at__lte": now})


class Publishable(models.Model):
    """Status plus a publication time; the time may lie in the future."""

    status = models.CharField(
        "状态",
        max_length=16,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    publish_at = models.DateTimeField(
        "发布时间",
        null=True,
        blank=True,
        db_index=True,
        help_text="设为“已发布”时留空即立即发布；填写将来的时间即定时发布，到时自动上线。",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "publish_at"}
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        """Return True when the public may see this row now (its own state only)."""
        return self.status == Status.PUBLISHED and self.publish_at is not None and self.publish_at <= timezone.now()
