"""Who may read the organisations API: any authenticated caller.

Why a custom permission: an agency's client-credentials token has no user, so DRF's
IsAuthenticated would turn agency systems away from data that is public anyway.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class AuthenticatedOrAgencyToken(BasePermission):
    message = "Sign in, or call with an agency access token."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if user is not None and user.is_authenticated:
            return True
        token = request.auth
        return token is not None and hasattr(token, "is_valid") and bool(token.is_valid())
