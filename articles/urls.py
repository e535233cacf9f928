"""Public URLs of articles (the reader site builds on these names)."""
from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("articles/<int:pk>/", views.article_detail, name="article"),
]
