from django.apps import AppConfig


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = "报纸期次与版面"

    def ready(self):
        # Models, and the core modules that define model classes, load only once the app registry is ready.
        from unionpaper.cache import bump_on_changes_of, start_afresh_after_migrate_of

        from .models import Issue, Page

        bump_on_changes_of(Issue, Page)
        start_afresh_after_migrate_of(self)
