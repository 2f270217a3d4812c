"""govdoor's URL map plus `/bench/bare/`, the baseline a page is compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    """The least a Django view can do: same middleware stack, no template, no query."""
    return HttpResponse("<!doctype html><title>ok</title><p>ok</p>", content_type="text/html")


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("", include("govdoor.urls")),
]

handler404 = "govdoor.portal.views.not_found"
handler403 = "govdoor.portal.views.forbidden"
handler500 = "govdoor.portal.views.server_error"
