"""Test-only pages that name their surrogate keys, served behind Varnish in test_varnish.py."""

from collections import Counter

from django.http import HttpResponse
from django.urls import path

from unionpaper import frontend_cache

renders = Counter()

PAGES = {
    "a": ("article:1", "page:1"),
    "b": ("article:2", "page:1"),
    "c": ("article:3", "page:2", "list:latest-issue"),
}


def keyed(request, name):
    """A public page showing what ``PAGES[name]`` names."""
    renders[name] += 1
    response = HttpResponse(f"<p>第{renders[name]}次生成的{name}页</p>")
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    frontend_cache.tag_response(response, PAGES[name])
    return response


def private(request):
    renders["private"] += 1
    response = HttpResponse("<p>编辑预览</p>")
    response["Cache-Control"] = "private, no-cache"
    frontend_cache.tag_response(response, ["article:1"])
    return response


def untagged(request):
    renders["untagged"] += 1
    response = HttpResponse("<p>没有键的页</p>")
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


def admin(request):
    renders["admin"] += 1
    response = HttpResponse("<p>后台</p>")
    frontend_cache.tag_response(response, ["article:1"])
    return response


urlpatterns = [
    path("admin/", admin),
    path("private/", private),
    path("untagged/", untagged),
    path("pages/<str:name>/", keyed),
]
