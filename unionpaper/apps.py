"""App configurations the project gives to other people's apps."""

from axes.apps import AppConfig as AxesAppConfig

# django-axes ships no Chinese: the side bar of a superuser showed its app and
# tables as AXES / Access attempts / Access failures / Access logs.
AXES_MODEL_NAMES = {
    # Failures counted per account and address; deleting one lifts its lockout.
    "AccessAttempt": "登录失败计数",
    "AccessFailureLog": "登录失败日志",
    "AccessLog": "登录日志",
}


class AxesConfig(AxesAppConfig):
    """django-axes under Chinese names (INSTALLED_APPS lists this instead of "axes").

    Only names change. Neither is part of a migration: an app's name never is,
    and the autodetector reads a model's Meta as declared (``original_attrs``),
    so ``makemigrations --check`` stays clean. The columns of axes' own pages
    stay English; a zh_Hans catalogue would translate those too.
    """

    verbose_name = "登录防护"

    def ready(self):
        super().ready()
        for model in self.get_models():
            if model.__name__ in AXES_MODEL_NAMES:
                model._meta.verbose_name = model._meta.verbose_name_plural = AXES_MODEL_NAMES[model.__name__]
