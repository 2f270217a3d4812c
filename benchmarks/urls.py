"""govdoor's URL map plus `/bench/bare/`, the baseline a page is compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


def bare(request: HttpRequest) -> HttpResponse:
    """The least a Django view can do: same middleware stack, no template, no query."""
    return HttpResponse("<!doctype html><title>ok</title><p>ok</p>", content_type="text/html")


class BareApi(APIView):
    """The least a DRF endpoint can do: default authentication (an agency token is looked
    up), no permission check beyond it, no query of its own (the exchange baseline)."""

    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        return Response({"ok": True})


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("bench/bare-api/", BareApi.as_view(), name="bench-bare-api"),
    path("", include("govdoor.urls")),
]

handler404 = "govdoor.portal.views.not_found"
handler403 = "govdoor.portal.views.forbidden"
handler500 = "govdoor.portal.views.server_error"
