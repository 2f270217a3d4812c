"""The current organisation of a back-office request, and what every page is given.

Why the session holds only an id: the list of organisations a person may act for is read
again on each request, so a revoked role takes effect at once, not at the next sign-in.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from govdoor.identity.agency import SESSION_ORGANISATION_KEY
from govdoor.organisations import selectors
from govdoor.organisations.models import Organisation, StaffRole
from govdoor.portal.context import url_or_none

_CACHE_ATTR = "_backoffice_context"

# The back-office menu: each domain's landing page, shown only when that domain is mounted.
# Why a list here and not one per domain: the menu order is a product decision, one place.
DOMAIN_PAGES: tuple[tuple[str, Any], ...] = (
    ("cases:bo-queue", gettext_lazy("Cases")),
    ("rules:bo-home", gettext_lazy("Rules")),
    ("applications:bo-forms", gettext_lazy("Forms")),
    ("catalogue:bo-list", gettext_lazy("Services")),
    ("registries:list", gettext_lazy("Registers")),
    ("exchange:backoffice", gettext_lazy("Data exchange")),
    ("messaging:sent", gettext_lazy("Messages")),
    ("letters:bo-list", gettext_lazy("Letters")),
)


def domain_pages() -> list[dict[str, Any]]:
    pages = []
    for name, label in DOMAIN_PAGES:
        href = url_or_none(name)
        if href:
            pages.append({"href": href, "label": label})
    return pages


def backoffice_context(request: HttpRequest) -> dict[str, Any]:
    """The user's organisations, the chosen one (or the first), and what they may do there."""
    cached: dict[str, Any] | None = getattr(request, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    organisations = selectors.staff_organisations(request.user)
    chosen = str(request.session.get(SESSION_ORGANISATION_KEY, ""))
    current = next((o for o in organisations if str(o.pk) == chosen), None)
    if current is None and organisations:
        current = organisations[0]
    context = {
        "my_organisations": organisations,
        "current_organisation": current,
        "is_admin": bool(
            current and selectors.user_has_role(request.user, current, StaffRole.Role.ADMIN)
        ),
        "can_onboard": selectors.user_can_onboard(request.user),
        "domain_pages": domain_pages(),
    }
    setattr(request, _CACHE_ATTR, context)
    return context


def current_organisation(request: HttpRequest) -> Organisation | None:
    organisation: Organisation | None = backoffice_context(request)["current_organisation"]
    return organisation


def render_backoffice(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HttpResponse:
    return render(
        request, template, {**backoffice_context(request), **(context or {})}, status=status
    )


def backoffice(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the same context for back-office pages rendered by other domains.

    Only under /backoffice/ and for signed-in staff, so portal pages pay no queries for it.
    """
    user = getattr(request, "user", None)
    if not (request.path.startswith("/backoffice/") and user and user.is_authenticated):
        return {}
    return backoffice_context(request)
