"""Portal pages (consent, objections, "we told these agencies") and the back-office page
(policies to decide, failed deliveries, refused requests). Views only translate."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from govdoor.core import clock
from govdoor.core.errors import DomainError, NotFound, Refused
from govdoor.exchange import selectors, services, tellusonce
from govdoor.identity.agency import request_organisation
from govdoor.identity.decorators import person_required, staff_required
from govdoor.organisations.models import Organisation, StaffRole
from govdoor.organisations.selectors import user_has_role
from govdoor.registries import selectors as registers

POLICIES_PER_PAGE = 25
# How "We told these agencies" names each change (tellusonce.TOPICS) to the person.
TOPIC_WORDS = {
    "population.address_changed": _l("Your change of address"),
    "population.family_changed": _l("A change in your family"),
    "vehicles.owner_changed": _l("A change of owner of your vehicle"),
    "property.owner_changed": _l("A change of owner of your property"),
}


def _person(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request.user.person  # type: ignore[union-attr]


@person_required()
def my_consents(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    purposes = [p for p in selectors.purposes_list() if p.consent_required]
    # What a person can consent to: each organisation that uses a purpose, with that purpose.
    offers = [(p, org) for p in purposes for org in p.requesting_organisations.all()]
    if request.method == "POST":
        # One choice "purpose/organisation" from the page, or the two fields apart.
        chosen = request.POST.get("choice", "").partition("/")
        purpose_code = chosen[0] if chosen[1] else request.POST.get("purpose")
        org_code = chosen[2] if chosen[1] else request.POST.get("organisation")
        purpose, org = next(
            ((p, o) for p, o in offers if p.code == purpose_code and o.code == org_code),
            (None, None),
        )
        if purpose is None or org is None:
            messages.error(request, _("Choose a purpose and an organisation."))
        else:
            try:
                services.consent_give(
                    person=person,
                    purpose=purpose,
                    organisation=org,
                    fields=request.POST.getlist("fields") or purpose.allowed_fields,
                )
                messages.success(request, _("Your consent has been recorded."))
                return HttpResponseRedirect(reverse("exchange:my-consents"))
            except DomainError as exc:
                messages.error(request, exc.detail)
    return render(
        request,
        "exchange/my_consents.html",
        {
            "consents": list(selectors.consents_of(person_id=person.pk)),
            "offers": offers,
            "changes": [
                change | {"words": TOPIC_WORDS.get(change["topic"], change["topic"])}
                for change in selectors.changes_told(person_id=person.pk)
            ],
        },
    )


@person_required()
@require_POST
def my_consent_revoke(request: HttpRequest, consent_id: str) -> HttpResponse:
    consent = selectors.consent_of(person_id=_person(request).pk, consent_id=consent_id)
    if consent is None:
        raise Http404
    services.consent_revoke(consent=consent)
    messages.success(request, _("Your consent has been withdrawn."))
    return HttpResponseRedirect(reverse("exchange:my-consents"))


@person_required()
def my_objections(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    purposes = list(selectors.purposes_list())
    organisations = Organisation.objects.filter(exchange_purposes__isnull=False).distinct()
    register_names = {r.code: r.name for r in registers.registers_list().order_by("version")}
    if request.method == "POST":
        purpose = next((p for p in purposes if p.code == request.POST.get("purpose")), None)
        recipient = organisations.filter(code=request.POST.get("recipient")).first()
        try:
            services.objection_create(
                person=person,
                register_code=request.POST.get("register", "")[:64],
                recipient=recipient,
                purpose=purpose,
            )
            messages.success(request, _("Your objection has been recorded."))
            return HttpResponseRedirect(reverse("exchange:my-objections"))
        except DomainError as exc:
            messages.error(request, exc.detail)
    return render(
        request,
        "exchange/my_objections.html",
        {
            "objections": [
                (o, register_names.get(o.register_code, o.register_code))
                for o in selectors.objections_of(person_id=person.pk)
            ],
            "purposes": purposes,
            "organisations": list(organisations.order_by("name")),
            "registers": sorted(register_names.items(), key=lambda item: item[1]),
        },
    )


@person_required()
@require_POST
def my_objection_withdraw(request: HttpRequest, objection_id: str) -> HttpResponse:
    objection = selectors.objection_of(person_id=_person(request).pk, objection_id=objection_id)
    if objection is None:
        raise Http404
    services.objection_withdraw(objection=objection)
    messages.success(request, _("Your objection has been withdrawn."))
    return HttpResponseRedirect(reverse("exchange:my-objections"))


@staff_required
def backoffice(request: HttpRequest) -> HttpResponse:
    org = request_organisation(request)
    if org is None:
        raise Http404
    return render(
        request,
        "exchange/backoffice.html",
        {
            "organisation": org,
            "page": Paginator(selectors.policies_to_decide_first(org), POLICIES_PER_PAGE).get_page(
                request.GET.get("page")
            ),
            "dead": list(selectors.deliveries_dead().filter(subscription__organisation=org)[:100]),
            "proposable": [
                p for p in selectors.purposes_list() if org in p.requesting_organisations.all()
            ],
            "refused": list(
                selectors.data_requests_of(org)
                .exclude(status="answered")
                .order_by("-created_at")[:50]
            ),
        },
    )


@staff_required
@require_POST
def policy_propose(request: HttpRequest) -> HttpResponse:
    """The requesting agency's side of a policy: a service owner proposes it here, the
    register keeper decides it on the same page."""
    org = request_organisation(request)
    if org is None:
        raise Http404
    try:
        if not user_has_role(request.user, org, StaffRole.Role.SERVICE_OWNER):
            raise Refused(_("Only a service owner of your organisation can propose a policy."))
        purpose = selectors.purpose_get(request.POST.get("purpose", ""))
        if purpose is None:
            raise DomainError(_("Choose a purpose."), field="purpose")
        fields = [f.strip() for f in request.POST.get("fields", "").split(",") if f.strip()]
        services.policy_propose(
            purpose=purpose,
            requester=org,
            register_code=request.POST.get("register", "").strip()[:64],
            fields=fields,
            valid_from=_date(request.POST.get("valid_from"), "valid_from") or clock.today(),
            valid_to=_date(request.POST.get("valid_to"), "valid_to"),
            proposed_by=request.user,
        )
        messages.success(request, _("The policy was proposed to the register keeper."))
    except (DomainError, NotFound) as exc:
        messages.error(request, exc.detail)
    return HttpResponseRedirect(reverse("exchange:backoffice"))


def _date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DomainError(_("Give a date as YYYY-MM-DD."), field=field) from None


@staff_required
@require_POST
def policy_decide(request: HttpRequest, policy_id: str) -> HttpResponse:
    org = request_organisation(request)
    policy = selectors.policy_get(policy_id)
    if policy is None or org is None or org.pk not in (policy.keeper_id, policy.requester_id):
        raise Http404
    if request.POST.get("decision") != "withdraw" and policy.keeper_id != org.pk:
        raise Http404
    try:
        if request.POST.get("decision") == "withdraw":
            services.policy_withdraw(policy=policy, organisation=org, by=request.user)
        else:
            services.policy_decide(
                policy=policy,
                approve=request.POST.get("decision") == "approve",
                decided_by=request.user,
                note=request.POST.get("note", ""),
            )
        messages.success(request, _("The policy was decided."))
    except DomainError as exc:
        messages.error(request, exc.detail)
    return HttpResponseRedirect(reverse("exchange:backoffice"))


@staff_required
@require_POST
def delivery_retry(request: HttpRequest, delivery_id: str) -> HttpResponse:
    org = request_organisation(request)
    dead = selectors.deliveries_dead().filter(subscription__organisation=org)
    delivery = next((d for d in dead if str(d.pk) == delivery_id), None)
    if delivery is None:
        raise Http404
    tellusonce.delivery_retry(delivery_id=delivery.pk)
    messages.success(request, _("The delivery will be tried again."))
    return HttpResponseRedirect(reverse("exchange:backoffice"))
