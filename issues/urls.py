"""Public URLs of issues and pages, plus the site-wide sitemap and robots.txt."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from unionpaper.sitemaps import SITEMAPS

from . import views

app_name = "issues"

urlpatterns = [
    path("", views.latest, name="latest"),
    path("issues/", views.issue_archive, name="archive"),
    path("issues/<date:date>/", views.issue_detail, name="issue"),
    path("issues/<date:date>/issue.pdf", views.issue_pdf_download, name="issue_pdf"),
    path("issues/<date:date>/<str:code>/", views.page_detail, name="page"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "issues:sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
]
