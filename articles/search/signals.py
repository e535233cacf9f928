"""Keep the search index current (connected from ArticlesConfig.ready).

Saves and deletes of articles, theme changes, and changes to an article's
page or issue (date, page code, publication) all reach the index here, after
the transaction commits nothing is left stale. Bulk ``QuerySet.update()``
sends no signals: run ``manage.py rebuild_search_index`` after one.
"""

from django.db import connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from issues.models import Issue, Page

from ..models import Article, ThemedArticle
from . import index


@receiver(post_save, sender=Article, dispatch_uid="search_article_saved")
def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index.update([instance.pk])


@receiver(post_delete, sender=Article, dispatch_uid="search_article_deleted")
def article_deleted(sender, instance, **kwargs):
    index.remove([instance.pk])


@receiver(post_save, sender=ThemedArticle, dispatch_uid="search_theme_added")
@receiver(post_delete, sender=ThemedArticle, dispatch_uid="search_theme_removed")
def theme_link_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        index.update([instance.content_object_id])


@receiver(m2m_changed, sender=ThemedArticle, dispatch_uid="search_themes_changed")
def themes_changed(sender, instance, action, pk_set=None, **kwargs):
    # taggit adds and removes through rows with bulk queries; reindex afterwards.
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Article):
        index.update([instance.pk])
    elif pk_set:
        index.update(pk_set)


@receiver(post_save, sender=Page, dispatch_uid="search_page_saved")
def page_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        index.refresh_meta(Article.objects.filter(page=instance).values_list("id", flat=True))


@receiver(post_save, sender=Issue, dispatch_uid="search_issue_saved")
def issue_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        index.refresh_meta(Article.objects.filter(page__issue=instance).values_list("id", flat=True))


@receiver(post_migrate, dispatch_uid="search_drop_orphans")
def drop_orphans(sender, using="default", **kwargs):
    # flush (between live-server tests, or by hand) empties the articles with
    # TRUNCATE/DELETE and then sends post_migrate; entries left behind would
    # be counted by later searches.
    if getattr(sender, "label", None) != "articles":
        return
    connection = connections[using]
    if index.ENTRY not in connection.introspection.table_names():
        return
    index.drop_orphans(connection)
