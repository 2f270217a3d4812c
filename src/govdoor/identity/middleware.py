"""Puts `request.acting_for` on every request (the person or business the user acts for).

Filled in by govdoor.identity.selectors; None when acting for oneself or not signed in.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ActingForMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.acting_for = None  # type: ignore[attr-defined]
        return self.get_response(request)
