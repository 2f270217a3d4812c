"""The portal page of mandates: those I hold, those I gave, grant and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from govdoor.core import clock
from govdoor.core.errors import DomainError
from govdoor.identity.decorators import person_required
from govdoor.identity.forms import MandateGrantForm, MandateRevokeForm
from govdoor.identity.models import LevelOfAssurance, Person
from govdoor.identity.selectors import (
    mandate_of_party,
    mandate_state,
    mandates_given,
    mandates_held,
)
from govdoor.identity.services import mandate_grant, mandate_revoke


def _page(
    request: HttpRequest,
    person: Person,
    grant_form: MandateGrantForm,
    status: int = 200,
    error: str | None = None,
) -> HttpResponse:
    today = clock.today()
    given = [(m, mandate_state(m, today)) for m in mandates_given(person)[:100]]
    return render(
        request,
        "identity/mandates.html",
        {
            "held": list(mandates_held(person, today)),
            "given": given,
            "grant_form": grant_form,
            "error": error,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@person_required(loa=LevelOfAssurance.SUBSTANTIAL)
def mandates(request: HttpRequest) -> HttpResponse:
    """Why Substantial: giving someone power to act for you needs a sure sign-in."""
    person = request.user.person  # type: ignore[union-attr]
    assert person is not None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        revoke = MandateRevokeForm(request.POST)
        if revoke.is_valid():
            try:
                mandate = mandate_of_party(person=person, mandate_id=revoke.cleaned_data["mandate"])
                mandate_revoke(mandate=mandate, by=person, reason=revoke.cleaned_data["reason"])
            except DomainError as exc:
                return _page(
                    request,
                    person,
                    MandateGrantForm(initial={"valid_from": clock.today()}),
                    status=exc.status_code,
                    error=exc.detail,
                )
            messages.success(request, _("The mandate has been revoked."))
            return HttpResponseRedirect(reverse("identity:mandates"))
    grant = MandateGrantForm(
        request.POST if request.method == "POST" else None,
        initial={"valid_from": clock.today(), "scope": "*"},
    )
    if request.method == "POST" and grant.is_valid():
        data = grant.cleaned_data
        try:
            mandate_grant(
                grantor=person,
                representative=data["representative_national_id"],
                scope=data["scope"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        except DomainError as exc:
            field = {"representative": "representative_national_id"}.get(exc.field or "", exc.field)
            grant.add_error(field if field in grant.fields else None, exc.detail)
        else:
            messages.success(request, _("The mandate has been given."))
            return HttpResponseRedirect(reverse("identity:mandates"))
    return _page(request, person, grant, status=400 if grant.errors else 200)
