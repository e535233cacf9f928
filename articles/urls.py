"""Public URLs of articles, themes and feeds (the reader site builds on these names)."""

from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<str:slug>/", views.theme_detail, name="theme"),
    path("feeds/latest/", feeds.LatestArticlesFeed(), name="feed_latest"),
    path("feeds/themes/<str:slug>/", feeds.ThemeFeed(), name="feed_theme"),
]
