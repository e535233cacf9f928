from django.apps import AppConfig


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = "报纸期次与版面"

    def ready(self):
        # Models, and the core modules that define model classes, load only once the app registry is ready.
        from unionpaper.cache import start_afresh_after_migrate_of

        # What a change of an issue or a page touches is connected by the articles app (articles.invalidation).
        start_afresh_after_migrate_of(self)
