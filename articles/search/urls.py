"""URLs of archive search."""

from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("articles/<int:pk>/cite.ris", views.article_ris, name="article_ris"),
]
