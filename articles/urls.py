"""Public URLs of articles, themes and feeds, and of the e-paper pages that show articles."""

from django.urls import path

import unionpaper.converters  # noqa: F401  (registers <date:…>, which these patterns use)

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<str:slug>/", views.theme_detail, name="theme"),
    path("feeds/latest/", feeds.LatestArticlesFeed(), name="feed_latest"),
    path("feeds/themes/<str:slug>/", feeds.ThemeFeed(), name="feed_theme"),
]

# An issue and its pages shown with their articles: in the ``issues`` namespace (``unionpaper/urls.py``).
issue_patterns = [
    path("", views.latest, name="latest"),
    path("issues/<date:date>/", views.issue_detail, name="issue"),
    path("issues/<date:date>/<str:code>/", views.page_detail, name="page"),
]
