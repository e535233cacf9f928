from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "稿件与主题"

    def ready(self):
        # Models, and the core modules that define model classes, load only once the app registry is ready.
        from django.core.checks import register

        from issues.models import Issue, Page
        from unionpaper import staff
        from unionpaper.dependency_cache import when_purging_refresh, when_scheduled_comes_due

        from . import invalidation
        from .checks import check_editor_is_covered
        from .models import Article, ArticleImage, Theme, ThemedArticle
        from .search import signals  # noqa: F401  (connects the receivers that keep the search index current)

        register(check_editor_is_covered, deploy=True)
        # What a change of an issue or a page touches includes its articles' lists: connected here for all.
        invalidation.connect(Issue, Page, Article, ArticleImage, Theme, ThemedArticle)
        when_scheduled_comes_due(invalidation.keys_coming_due)
        when_purging_refresh(invalidation.pages_to_refresh)
        staff.connect()  # joining a newsroom group makes a user staff
