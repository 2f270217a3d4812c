"""Agency systems on the API: which organisation a client-credentials token speaks for.

Other domains use `AgencyScopes` as a DRF permission and `request_organisation(request)` to
know the calling organisation; a staff session (back office) also speaks for the
organisation chosen in the organisation switcher.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any, cast

from django.db import transaction
from oauth2_provider.models import Application
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from govdoor.identity.models import AgencyClient
from govdoor.organisations.models import Organisation

SESSION_ORGANISATION_KEY = "govdoor.organisation"
_UNSET = object()


@transaction.atomic
def agency_client_create(
    *, organisation: Organisation, name: str, scopes: Sequence[str] = ()
) -> tuple[AgencyClient, str]:
    """Register an agency system; returns the client and its secret (shown once)."""
    client_secret = secrets.token_urlsafe(32)
    application = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=client_secret,
        hash_client_secret=True,
        algorithm="",
    )
    client = AgencyClient.objects.create(
        application=application, organisation=organisation, name=name
    )
    client.allowed_scopes = list(scopes)  # type: ignore[attr-defined]
    return client, client_secret


def request_organisation(request: Request | Any) -> Organisation | None:
    """The organisation behind this API call: the token's agency, or the staff member's choice."""
    token = getattr(request, "auth", None)
    application = getattr(token, "application", None)
    if application is not None:
        # A token's organisation cannot change within a request, and both the permission
        # check and the view ask for it: look it up once per request.
        cached = getattr(request, "_govdoor_agency_organisation", _UNSET)
        if cached is not _UNSET:
            return cast(Organisation | None, cached)
        client = (
            AgencyClient.objects.select_related("organisation")
            .filter(application=application)
            .first()
        )
        organisation = client.organisation if client else None
        request._govdoor_agency_organisation = organisation  # type: ignore[union-attr]
        return organisation
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        org_id = (
            request.session.get(SESSION_ORGANISATION_KEY) if hasattr(request, "session") else None
        )
        roles = user.staff_roles.select_related("organisation")
        role = roles.filter(organisation_id=org_id).first() if org_id else roles.first()
        return role.organisation if role else None
    return None


class AgencyScopes(BasePermission):
    """Allow agency tokens holding all `required_scopes` of the view, or signed-in staff.

    A view sets `required_scopes = ["registers:read"]`.
    """

    message = "This endpoint is for agency systems with the required scope, or signed-in staff."

    def has_permission(self, request: Request, view: Any) -> bool:
        required = set(getattr(view, "required_scopes", []))
        token = getattr(request, "auth", None)
        if token is not None and hasattr(token, "is_valid"):
            if not token.is_valid(list(required)):
                return False
            return request_organisation(request) is not None
        user = request.user
        return bool(user and user.is_authenticated and user.staff_roles.exists())
