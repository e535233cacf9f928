from django.apps import AppConfig


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = "报纸期次与版面"

    def ready(self):
        # Models, and the core modules that define model classes, load only once the app registry is ready.
        from django.db.models.signals import post_save

        from unionpaper.cache import start_afresh_after_migrate_of

        from .deepzoom import make_page_deep_zoom
        from .models import Page

        # What a change of an issue or a page touches is connected by the articles app (articles.invalidation).
        post_save.connect(make_page_deep_zoom, sender=Page, dispatch_uid="issues.page_deep_zoom")
        start_afresh_after_migrate_of(self)
