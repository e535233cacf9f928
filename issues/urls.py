"""Public URLs of issues alone (``unionpaper/urls.py`` mounts them in the ``issues`` namespace)."""

from django.urls import path

import unionpaper.converters  # noqa: F401  (registers <date:…>, which these patterns use)

from . import views

urlpatterns = [
    path("issues/", views.issue_archive, name="archive"),
    path("issues/<date:date>/issue.pdf", views.issue_pdf_download, name="issue_pdf"),
]
