"""Citizen portal pages (views only translate: logic lives in the domains' services)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from govdoor.core.errors import problem_response


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def _wants_problem(request: HttpRequest) -> bool:
    return request.path.startswith(("/api/", "/govstack/"))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_problem(request):
        return problem_response(request, 404, "Not found", "No such resource.")
    return render(request, "govdoor/error.html", {"status": 404}, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception else ""
    if _wants_problem(request):
        return problem_response(request, 403, "Forbidden", message or "Not allowed.")
    return render(request, "govdoor/error.html", {"status": 403, "message": message}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_problem(request):
        return problem_response(request, 500, "Server error", "Something went wrong on our side.")
    return render(request, "govdoor/error.html", {"status": 500}, status=500)
