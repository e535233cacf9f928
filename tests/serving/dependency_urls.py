"""Test-only pages that declare what they show, served through the dependency page cache."""

import time
from collections import Counter

from django.http import HttpResponse
from django.urls import path

from unionpaper import cache_keys as ck
from unionpaper.dependency_cache import shared

renders = Counter()
builds = Counter()
SHOWS = {
    "a": ("article:1", "page:1"),
    "b": ("article:2", "page:1"),
    "c": ("article:3", "page:2"),
}
slow = {"seconds": 0.0}


def shows(request, name):
    renders[name] += 1
    time.sleep(slow["seconds"])
    ck.depends_on_list(*SHOWS[name])
    return HttpResponse(f"<p>第{renders[name]}次生成的{name}页</p>")


def nothing(request):
    renders["nothing"] += 1
    return HttpResponse("<p>什么也没声明</p>")


def newest(request, name):
    """A page showing the shared list of the newest articles."""
    renders[name] += 1

    def build():
        builds["newest"] += 1
        time.sleep(slow["seconds"])
        ck.depends_on_list(ck.FEEDS)
        return ["最新一篇"]

    return HttpResponse(f"<p>{name}: {shared('newest', build)[0]}</p>")


def until(request):
    renders["until"] += 1
    ck.depends_on_list("list:on-this-day:05-01")
    ck.depends_until(time.time() + 3600)
    return HttpResponse("<p>历史上的今天</p>")


def part(request, key):
    """A page showing one headline of a shared list of three (上一篇 of a reading order)."""
    renders[key] += 1

    def build():
        builds["headlines"] += 1
        ck.depends_on_list("article:1", "article:2", "article:3")
        return {"article:1": "甲", "article:2": "乙", "article:3": "丙"}

    headlines = shared("headlines", build, whole=False)
    ck.depends_on_list(key)
    return HttpResponse(f"<p>{headlines[key]}</p>")


urlpatterns = [
    path("shows/<str:name>/", shows),
    path("nothing/", nothing),
    path("newest/<str:name>/", newest),
    path("until/", until),
    path("part/<str:key>/", part),
]
