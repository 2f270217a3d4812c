"""Staff sign-in: throttled by django-axes, second factor by django-otp."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse


def lockout_response(request: HttpRequest, credentials: Any = None, *args: Any, **kw: Any) -> HttpResponse:
    return HttpResponse("Too many failed sign-in attempts. Try again later.", status=429)
