"""Make a new server process fast from its first request.

Django compiles templates, builds its URL patterns and reads the static
files manifest on first use, in each process. gunicorn (``preload_app``)
calls ``warm()`` in its master before forking, so every worker, including
each one started to replace a recycled worker, begins with all of that done
instead of making some reader's request wait for it. Nothing here touches
the database: a connection opened before the fork would be shared by the
workers.
"""

import contextlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver

# The project's own templates; the admin's are compiled when an editor first needs them.
OWN_APPS = ("issues", "articles")


def template_names() -> list[str]:
    """Return the names of the project's templates (``templates/`` and its apps' folders)."""
    folders = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    folders += [Path(apps.get_app_config(label).path) / "templates" for label in OWN_APPS]
    names = set()
    for folder in folders:
        if folder.is_dir():
            names.update(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    return sorted(names)


def warm() -> list[str]:
    """Compile the project's templates, build the URL patterns, read the static manifest.

    Return the names of the templates compiled.
    """
    get_resolver().reverse_dict  # builds the patterns' lookup tables  # noqa: B018
    compiled = []
    for name in template_names():
        try:
            get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):
            continue  # a template for another engine, or an admin override compiled on use
        compiled.append(name)
    if not settings.DEBUG:
        from django.contrib.staticfiles.storage import staticfiles_storage

        # Without collectstatic there is no manifest to read: the first request says so.
        with contextlib.suppress(ValueError):
            staticfiles_storage.url("reader/reader.css")
    connections.close_all()
    return compiled
