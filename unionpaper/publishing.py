"""Publication state shared by issues and articles.

What the public may see is decided here and nowhere else: a row is public
when its status is 已发布 and its publication time has come. Because the time
is compared with *now* on every query, a scheduled publication takes effect
with no cron job or worker.
"""

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW = "review", "待审"
    PUBLISHED = "published", "已发布"


def published_q(prefix: str = "", *, now=None) -> Q:
    """Return the condition "published and due" for the row at ``prefix`` (its own state only)."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}publish_at__lte": now})


def scheduled_q(prefix: str = "", *, now=None) -> Q:
    """Return the condition "published, but its time is still to come" for the row at ``prefix``."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}publish_at__gt": now})


def public_from(*states: tuple[str, object]):
    """Return when a row whose visibility needs every (status, publish_at) in ``states`` becomes public.

    None means never, as things stand. This is ``PublishableQuerySet.published_q``
    with its time test left for later, for stores (the search index) that
    compare with *now* at query time.
    """
    if any(status != Status.PUBLISHED or publish_at is None for status, publish_at in states):
        return None
    return max(publish_at for _, publish_at in states)


def is_public_state(status, publish_at, *, now=None) -> bool:
    """Return True when a row in this state is public at ``now``: ``published_q`` for a row already read."""
    at = public_from((status, publish_at))
    return at is not None and at <= (now or timezone.now())


def is_scheduled_state(status, publish_at, *, now=None) -> bool:
    """Return True when a row in this state is published for a time still to come: ``scheduled_q`` in Python."""
    at = public_from((status, publish_at))
    return at is not None and at > (now or timezone.now())


class PublishableQuerySet(models.QuerySet):
    """Queries by publication state; the one statement of "what the public may see".

    ``public_through`` lists the prefixes of every publishable row whose state
    a row's visibility depends on: ``("",)`` for an issue, ``("", "page__issue__")``
    for an article, which is public only while its issue is too.
    """

    public_through: tuple[str, ...] = ("",)

    def published_q(self, prefix: str = "", *, now=None) -> Q:
        """Return the condition "the public may see it now" for the row at ``prefix``.

        A ``Q`` rather than a filter, so that it composes: inside annotations,
        across relations (``Article.objects.published_q("tagged_articles__content_object__")``).
        """
        now = now or timezone.now()
        condition = Q()
        for through in self.public_through:
            condition &= published_q(f"{prefix}{through}", now=now)
        return condition

    def published(self, *, now=None):
        """Return the rows the public may see now."""
        return self.filter(self.published_q(now=now))

    def published_own(self, *, now=None):
        """Return the rows whose own state is published and due, whatever rows they belong to."""
        return self.filter(published_q(now=now))

    def scheduled(self, *, now=None):
        """Return the rows whose own publication time is still to come, soonest first."""
        return self.filter(scheduled_q(now=now)).order_by("publish_at")

    def coming_due(self, start, end):
        """Return the rows whose own state became public in ``(start, end]``: published, due in that span."""
        return self.filter(status=Status.PUBLISHED, publish_at__gt=start, publish_at__lte=end)


def publishable_models() -> list[type["Publishable"]]:
    """Return every installed concrete model with a publication state (proxies share their table)."""
    return [m for m in apps.get_models() if issubclass(m, Publishable) and not m._meta.proxy]


def next_publication_time(*, using: str | None = None):
    """Return the soonest time at which something scheduled becomes due, or None.

    One query for all tables (a UNION), since it is asked of the primary.
    """
    parts = []
    for model in publishable_models():
        manager = model._default_manager.using(using) if using else model._default_manager
        parts.append(manager.scheduled().order_by().values_list("publish_at", flat=True))
    if not parts:
        return None
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return next(iter(combined.order_by("publish_at")[:1]), None)


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
        return is_public_state(self.status, self.publish_at)
