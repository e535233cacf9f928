"""URL configuration, the top of the project: it alone imports every app.

The admin, the editor's uploads, health, the public site of each app, and
what belongs to the whole site: the sitemap (one section per app),
robots.txt and /favicon.ico. The ``issues`` namespace gathers the views of
issues alone (``issues.urls``), the pages that show an issue with its
articles (``articles.urls.issue_patterns``) and the site-wide files, under
the names they have always had (``issues:latest``, ``issues:sitemap``, …).
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

import articles.urls
import issues.urls
from articles.sitemaps import ArticleSitemap, ThemeSitemap
from issues.sitemaps import IssueSitemap, PageSitemap

from . import editor, sitemaps, views
from .health import health
from .media import serve_media
from .sitemaps import SectionsSitemap

admin.site.site_header = f"《{settings.PAPER_NAME}》编辑部"
admin.site.site_title = f"{settings.PAPER_NAME} 编辑系统"
admin.site.index_title = "采编管理"

SITEMAPS = {
    "sections": SectionsSitemap(["issues:latest", "issues:archive", "articles:theme_list"]),
    "issues": IssueSitemap,
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "themes": ThemeSitemap,
}

site_patterns = [
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "issues:sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemaps.section, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    # In place of django-ckeditor's own URLs: permission, origin and the reasons CKEditor shows (unionpaper/editor.py).
    path("ckeditor/upload/", editor.upload, name="ckeditor_upload"),
    path("ckeditor/browse/", editor.browse, name="ckeditor_browse"),
    path("health/", health, name="health"),
    path("", include(([*articles.urls.issue_patterns, *issues.urls.urlpatterns, *site_patterns], "issues"))),
    path("", include("articles.urls")),
    path("", include("articles.search.urls")),
]

if settings.MEDIA_ON_APP_SERVER:
    urlpatterns.append(re_path(r"^media/(?P<path>.+)$", serve_media, name="media"))
