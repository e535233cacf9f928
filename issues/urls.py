"""Public URLs of issues and pages (the reader site builds on these names)."""
from django.urls import path

from . import views

app_name = "issues"

urlpatterns = [
    path("", views.latest, name="latest"),
    path("issues/<date:date>/", views.issue_detail, name="issue"),
    path("issues/<date:date>/<str:code>/", views.page_detail, name="page"),
]
