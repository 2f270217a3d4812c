"""Template context shared by the portal and the back office."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


def url_or_none(name: str) -> str | None:
    """The URL of a named route, or None when no app has mounted it (yet).

    Why: the header links only to pages that exist; sign-in, sign-out and the acting-for page
    belong to the identity domain, and a deployment may leave some of them out.
    """
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def govdoor(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    person = signed_in and getattr(user, "person_id", None) is not None
    # A citizen signs out of the portal; staff (no person) out of the back office.
    sign_out = "identity:sign-out" if person or not signed_in else "identity:staff-sign-out"
    return {
        "country_name": settings.GOVDOOR_COUNTRY_NAME,
        "acting_for": getattr(request, "acting_for", None),
        "demo_mode": settings.GOVDOOR_MODE == "demo",
        # The "Demo" phase banner: everywhere but in production, where the data is real.
        "demo_banner": settings.GOVDOOR_MODE != "production",
        "signed_in_person": person,
        "nav_urls": {
            "sign_in": url_or_none("identity:sign-in"),
            "sign_out": url_or_none(sign_out),
            "acting_for": url_or_none("identity:acting-for"),
            "services": url_or_none("catalogue:home"),
        },
    }
