"""Who is calling: the request translated into a `Caller` for the services and selectors."""

from __future__ import annotations

from typing import Any

from govdoor.identity.agency import request_organisation
from govdoor.registries.selectors import Caller

PURPOSE_HEADER = "HTTP_X_GOVDOOR_PURPOSE"
LEGAL_BASIS_HEADER = "HTTP_X_GOVDOOR_LEGAL_BASIS"


def caller_from(request: Any) -> Caller:
    """Agency token -> that agency; staff session -> their chosen organisation and roles there."""
    organisation = request_organisation(request)
    token = getattr(request, "auth", None)
    application = getattr(token, "application", None)
    meta = getattr(request, "META", {})
    purpose = meta.get(PURPOSE_HEADER) or "register-keeping"
    legal_basis = meta.get(LEGAL_BASIS_HEADER) or ""
    if application is not None:
        return Caller(
            organisation=organisation,
            is_agency=True,
            scopes=frozenset(str(getattr(token, "scope", "")).split()),
            purpose=purpose,
            legal_basis=legal_basis,
        )
    user = getattr(request, "user", None)
    roles: frozenset[str] = frozenset()
    user_id = None
    if user is not None and user.is_authenticated:
        user_id = str(user.pk)
        if organisation is not None:
            roles = frozenset(
                user.staff_roles.filter(organisation=organisation).values_list("role", flat=True)
            )
    return Caller(
        organisation=organisation,
        user_id=user_id,
        roles=roles,
        purpose=purpose,
        legal_basis=legal_basis,
    )
