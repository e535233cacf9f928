"""URL configuration: the admin, the editor's uploads, and the public site."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter

from . import editor
from .converters import DateConverter
from .health import health

register_converter(DateConverter, "date")

admin.site.site_header = f"《{settings.PAPER_NAME}》编辑部"
admin.site.site_title = f"{settings.PAPER_NAME} 编辑系统"
admin.site.index_title = "采编管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before django-ckeditor's own: refusals answered in words CKEditor shows (unionpaper/editor.py).
    path("ckeditor/upload/", editor.upload, name="ckeditor_upload"),
    path("ckeditor/", include("ckeditor_uploader.urls")),
    path("health/", health, name="health"),
    path("", include("issues.urls")),
    path("", include("articles.urls")),
    path("", include("articles.search.urls")),
]

if settings.MEDIA_ON_APP_SERVER:
    from django.urls import re_path

    from .media import serve_media

    urlpatterns.append(re_path(r"^media/(?P<path>.+)$", serve_media, name="media"))
