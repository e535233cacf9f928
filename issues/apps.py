from django.apps import AppConfig


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = "报纸期次与版面"

    def ready(self):
        from unionpaper.cache import connect_signals

        connect_signals(self)
