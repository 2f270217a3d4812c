"""The edge every /govstack/registration/ endpoint shares: who calls, and how errors look.

Why its own base and not the Digital Registries one: the Registration spec words its errors
differently (`systemError`: code, type, message) and asks for its own scopes; the header and the
apiKey scheme are the same, so those pieces are reused from the registries edge.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govdoor.core.errors import DomainError, NotFound
from govdoor.identity.agency import AgencyScopes, request_organisation
from govdoor.identity.api_auth import BearerTokenAuthentication
from govdoor.organisations.models import Organisation
from govdoor.registries.govstack import IM_FORMAT, IM_HEADER, ApiKeyAuthentication

SCOPE = "applications"
MAX_RESULTS = 200


def system_error(status: int, message: str, *, kind: str = "error", **extra: Any) -> Response:
    """The spec's `systemError` body, which every 4xx here uses."""
    return Response({"code": status, "type": kind, "message": message, **extra}, status=status)


def actor(request: Request) -> Any:
    """The staff user behind the call, or None for an agency system's own token."""
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


class RegistrationView(APIView):
    """Information-Mediator-Client header, agency token with the `applications` scope, and
    spec-shaped errors. Not part of govdoor's own OpenAPI document (`schema = None`)."""

    authentication_classes = [
        BearerTokenAuthentication,
        ApiKeyAuthentication,
        SessionAuthentication,
    ]
    permission_classes = [AgencyScopes]
    required_scopes = [SCOPE]
    schema = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if not IM_FORMAT.match(request.headers.get(IM_HEADER, "")):
            raise exceptions.ValidationError(
                _(
                    "The Information-Mediator-Client header (INSTANCE/CLASS/MEMBER/SUBSYSTEM) "
                    "is required."
                )
            )
        super().initial(request, *args, **kwargs)

    def organisation(self) -> Organisation:
        organisation = request_organisation(self.request)
        if organisation is None:
            raise exceptions.PermissionDenied(_("This call needs an agency's organisation."))
        return organisation

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, NotFound):
            return system_error(404, str(exc.detail), kind="not_found")
        if isinstance(exc, DomainError):
            extra = {"field": exc.field} if exc.field else {}
            return system_error(exc.status_code, str(exc.detail), kind="invalid", **extra)
        if isinstance(exc, exceptions.APIException):
            response = super().handle_exception(exc)
            detail = exc.detail
            if isinstance(detail, list) and len(detail) == 1:
                detail = detail[0]
            message = detail if isinstance(detail, str) else str(detail)
            response.data = {
                "code": response.status_code,
                "type": exc.default_code,
                "message": message,
            }
            return response
        return super().handle_exception(exc)


def page_args(request: Request) -> tuple[int, int]:
    """firstResult / maxResult: 0-based offset and page size, bounded."""
    try:
        first = int(request.query_params.get("firstResult", 0))
        size = int(request.query_params.get("maxResult", 50))
    except ValueError as exc:
        raise DomainError(
            _("firstResult and maxResult must be whole numbers."), field="firstResult"
        ) from exc
    if first < 0 or not 1 <= size <= MAX_RESULTS:
        raise DomainError(
            _("firstResult must be 0 or more and maxResult between 1 and %(n)s.")
            % {"n": MAX_RESULTS},
            field="maxResult",
        )
    return first, size
