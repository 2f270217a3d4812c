"""Errors as RFC 9457 problem details (application/problem+json) for every API answer.

Why one handler: agency systems parse our errors by machine. Validation errors name each
failing field in `errors` ({"field": "...", "detail": "..."}), so a client can point at it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://govdoor.example/problems/"


class DomainError(Exception):
    """A rule of the domain refused the action; services raise subclasses of this."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    problem_type = "domain-error"
    title = "The request was refused"

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class Refused(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    problem_type = "refused"
    title = "Not allowed"


class NotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    problem_type = "not-found"
    title = "Not found"


class Conflict(DomainError):
    status_code = status.HTTP_409_CONFLICT
    problem_type = "conflict"
    title = "Conflict"


class Unavailable(DomainError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    problem_type = "unavailable"
    title = "Temporarily unavailable"


def problem(
    *,
    status_code: int,
    title: str,
    detail: str,
    type_: str,
    errors: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + type_,
        "title": title,
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """Turn DRF's nested error dict into [{"field": "a.b", "detail": "..."}]."""
    out: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # ListField errors come keyed by item index
                name = f"{prefix}[{key}]"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors":
                name = prefix or "body"
            out.extend(_flatten(value, name))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                out.extend(_flatten(value, f"{prefix}[{index}]" if prefix else f"[{index}]"))
            else:
                out.append({"field": prefix or "body", "detail": str(value)})
    else:
        out.append({"field": prefix or "body", "detail": str(detail)})
    return out


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        errors = [{"field": exc.field, "detail": exc.detail}] if exc.field else None
        body = problem(
            status_code=exc.status_code,
            title=exc.title,
            detail=exc.detail,
            type_=exc.problem_type,
            errors=errors,
        )
        # As DRF does for its own exceptions: a refused request must not commit half its work
        # when ATOMIC_REQUESTS is on.
        set_rollback()
        return Response(body, status=exc.status_code, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        response.data = problem(
            status_code=response.status_code,
            title="Invalid request",
            detail="; ".join(f"{e['field']}: {e['detail']}" for e in errors),
            type_="invalid-request",
            errors=errors,
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = problem(
            status_code=response.status_code,
            title=str(getattr(exc, "default_detail", "Error")),
            detail=str(detail),
            type_=getattr(exc, "default_code", "error").replace("_", "-"),
        )
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_response(
    request: HttpRequest, status_code: int, title: str, detail: str
) -> JsonResponse:
    return JsonResponse(
        problem(
            status_code=status_code,
            title=title,
            detail=detail,
            type_=title.lower().replace(" ", "-"),
        ),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )
