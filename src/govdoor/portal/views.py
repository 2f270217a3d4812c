"""Citizen portal pages (views only translate: logic lives in the domains' services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from govdoor.cases.selectors import cases_summary_for
from govdoor.core.errors import problem_response
from govdoor.identity.decorators import SESSION_IDP, person_required, session_loa
from govdoor.identity.models import LevelOfAssurance, Mandate, Person
from govdoor.identity.providers import idps
from govdoor.identity.selectors import mandates_held
from govdoor.portal.context import url_or_none


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@dataclass(frozen=True)
class MandateRow:
    """What My govdoor shows of one mandate (no ids: the page links nowhere per mandate)."""

    represented_name: str
    kind_label: str | Promise
    valid_until: date | None


def _mandate_rows(person: Person) -> list[MandateRow]:
    rows = []
    mandate: Mandate
    for mandate in mandates_held(person):
        represented = mandate.represented_person or mandate.represented_business
        name = represented.full_name if isinstance(represented, Person) else str(represented)
        rows.append(
            MandateRow(
                represented_name=name,
                kind_label=Mandate.Kind(mandate.kind).label,
                valid_until=mandate.valid_until,
            )
        )
    return rows


def _loa_label(loa: int) -> str | Promise:
    if loa in LevelOfAssurance.values:
        return LevelOfAssurance(loa).label
    return _("Unknown")


def _provider_label(plugin_id: str) -> str | Promise:
    """The provider's own name; an id no plugin answers to is shown as it is (never hidden)."""
    from govdoor.identity.providers import enabled_idps

    enabled_idps()  # imports (and so registers) the bundled plugins
    if plugin_id and plugin_id in idps:
        return idps.get(plugin_id).label
    return plugin_id or _("Unknown")


@person_required()
def my(request: HttpRequest) -> HttpResponse:
    person = request.user.person  # type: ignore[union-attr]
    assert person is not None  # person_required lets only people in
    context = {
        "person": person,
        "loa_label": _loa_label(session_loa(request)),
        "provider_label": _provider_label(str(request.session.get(SESSION_IDP, ""))),
        "mandates": _mandate_rows(person),
        "mandates_url": url_or_none("identity:mandates"),
        "data_uses_url": url_or_none("ledger:my-data-uses"),
        "consents_url": url_or_none("exchange:my-consents"),
        "objections_url": url_or_none("exchange:my-objections"),
        "registers_url": url_or_none("registries:my-registers"),
        "messages_url": url_or_none("messaging:inbox"),
        "deadlines_url": url_or_none("messaging:calendar"),
        "cases": cases_summary_for(person),
        "cases_url": url_or_none("cases:mine"),
        "letters_url": url_or_none("letters:mine"),
        "documents_url": url_or_none("documents:mine"),
    }
    return render(request, "portal/my.html", context)


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
