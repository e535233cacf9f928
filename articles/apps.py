from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "稿件与主题"

    def ready(self):
        # Models, and the core modules that define model classes, load only once the app registry is ready.
        from django.core.checks import register

        from unionpaper.cache import bump_on_changes_of, bump_on_relation_changes_of

        from .checks import check_editor_is_covered
        from .models import Article, ArticleImage, Theme, ThemedArticle
        from .search import signals  # noqa: F401  (connects the receivers that keep the search index current)

        register(check_editor_is_covered, deploy=True)
        bump_on_changes_of(Article, ArticleImage, Theme, ThemedArticle)
        bump_on_relation_changes_of(ThemedArticle, dispatch_uid="page-cache-themes")
