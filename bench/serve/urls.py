"""The paper's URLs plus ``/_bench/trivial/``."""
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from unionpaper.urls import urlpatterns as paper_urlpatterns


@never_cache
def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("_bench/trivial/", trivial), *paper_urlpatterns]
