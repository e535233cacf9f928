"""The paper's URLs under ``/zh/``, for tests/serving/test_links.py."""

from django.urls import include, path

urlpatterns = [path("zh/", include("unionpaper.urls"))]
