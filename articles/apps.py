from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "稿件与主题"

    def ready(self):
        from .search import signals  # noqa: F401  (keeps the search index current)
