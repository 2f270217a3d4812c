"""Reads of the exchange: which policy covers a request, objections, consents, deliveries.

Why `exchange_grant_allows` is strict outside a data request: it does not know whose record
is read, so it cannot honour a person's objection or consent. A data request
(`services.data_request_answer`) checks those first and then opens a grant scope for exactly
the fields it approved; any other path is granted only for mandatory purposes that need no
consent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Q, QuerySet, Value, When

from govdoor.core import clock
from govdoor.core.ids import uuid_or_none
from govdoor.exchange.models import (
    AccessPolicy,
    Consent,
    DataRequest,
    Delivery,
    Objection,
    Purpose,
    Subscription,
)
from govdoor.organisations.models import Organisation


@dataclass(frozen=True)
class GrantScope:
    organisation_id: Any
    purpose: str
    fields: dict[str, frozenset[str]]  # register code -> readable field names


_scope: ContextVar[GrantScope | None] = ContextVar("exchange_grant_scope", default=None)


@contextlib.contextmanager
def grant_scope(scope: GrantScope) -> Iterator[None]:
    """Within a checked data request: the fields already approved for this subject."""
    token = _scope.set(scope)
    try:
        yield
    finally:
        _scope.reset(token)


def purpose_get(code: str) -> Purpose | None:
    return Purpose.objects.filter(code=code).first()


def purposes_described(codes: set[str]) -> dict[str, str]:
    """Each known purpose's plain-language description, by code (one query): the ledger's
    "Who used my data" words for the purposes agencies exchange data for."""
    return dict(Purpose.objects.filter(code__in=codes).values_list("code", "description"))


def purposes_list() -> QuerySet[Purpose]:
    return Purpose.objects.prefetch_related("requesting_organisations").order_by("code")


def _in_force(on: dt.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def policies_for(
    *, requester: Organisation, purpose: Purpose, register_code: str
) -> list[AccessPolicy]:
    """Approved policies of this requester, purpose and register (in force or not)."""
    return list(
        AccessPolicy.objects.filter(
            requester=requester,
            purpose=purpose,
            register_code=register_code,
            status=AccessPolicy.Status.APPROVED,
        ).order_by("-valid_from")
    )


def purpose_held(*, code: str, requester: Organisation) -> Purpose | None:
    """The purpose if `requester` is one of its requesting organisations (one query)."""
    return Purpose.objects.filter(code=code, requesting_organisations=requester).first()


def policies_by_register(
    *, requester: Organisation, purpose: Purpose, register_codes: Sequence[str]
) -> dict[str, list[AccessPolicy]]:
    """Approved policies for several registers at once, newest start first per register."""
    out: dict[str, list[AccessPolicy]] = {}
    for policy in AccessPolicy.objects.filter(
        requester=requester,
        purpose=purpose,
        register_code__in=list(register_codes),
        status=AccessPolicy.Status.APPROVED,
    ).order_by("-valid_from"):
        out.setdefault(policy.register_code, []).append(policy)
    return out


def policy_in_force(policies: Sequence[AccessPolicy], on: dt.date) -> AccessPolicy | None:
    for policy in policies:
        if policy.valid_from <= on and (policy.valid_to is None or policy.valid_to >= on):
            return policy
    return None


def exchange_grant_allows(
    *, organisation: Organisation | None, register_code: str, fields: list[str], purpose: str
) -> bool:
    """Called by registries for a non-keeper's read: may `organisation` see `fields`?"""
    if organisation is None:
        return False
    scope = _scope.get()
    if scope is not None and scope.organisation_id == organisation.pk and scope.purpose == purpose:
        return set(fields) <= scope.fields.get(register_code, frozenset())
    found = purpose_get(purpose)
    if found is None or not found.mandatory or found.consent_required:
        return False
    policy = policy_in_force(
        policies_for(requester=organisation, purpose=found, register_code=register_code),
        clock.today(),
    )
    return policy is not None and set(fields) <= set(policy.fields)


def objection_against(
    *, person_id: Any, register_code: str, recipient: Organisation, purpose: Purpose
) -> Objection | None:
    """The person's active objection covering this disclosure, if any (blank = any)."""
    return (
        Objection.objects.filter(person_id=person_id, withdrawn_at__isnull=True)
        .filter(Q(register_code="") | Q(register_code=register_code))
        .filter(Q(recipient__isnull=True) | Q(recipient=recipient))
        .filter(Q(purpose__isnull=True) | Q(purpose=purpose))
        .first()
    )


def objections_in_force(*, person_id: Any) -> list[Objection]:
    """All of the person's active objections, in one query (a request checks each register)."""
    return list(Objection.objects.filter(person_id=person_id, withdrawn_at__isnull=True))


def consent_covering(
    *, person_id: Any, organisation: Organisation, purpose: Purpose, fields: Sequence[str]
) -> Consent | None:
    now = clock.now()
    for consent in Consent.objects.filter(
        person_id=person_id,
        organisation=organisation,
        purpose=purpose,
        revoked_at__isnull=True,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now)):
        if set(fields) <= set(consent.fields):
            return consent
    return None


def consents_of(*, person_id: Any) -> QuerySet[Consent]:
    return Consent.objects.select_related("organisation", "purpose").filter(person_id=person_id)


def objections_of(*, person_id: Any) -> QuerySet[Objection]:
    return Objection.objects.select_related("recipient", "purpose").filter(person_id=person_id)


def consent_of(*, person_id: Any, consent_id: Any) -> Consent | None:
    pk = uuid_or_none(consent_id)
    return consents_of(person_id=person_id).filter(pk=pk).first() if pk else None


def objection_of(*, person_id: Any, objection_id: Any) -> Objection | None:
    pk = uuid_or_none(objection_id)
    return objections_of(person_id=person_id).filter(pk=pk).first() if pk else None


def policy_get(policy_id: Any) -> AccessPolicy | None:
    pk = uuid_or_none(policy_id)
    if pk is None:
        return None
    return (
        AccessPolicy.objects.select_related("purpose", "requester", "keeper").filter(pk=pk).first()
    )


def policies_involving(organisation: Organisation) -> QuerySet[AccessPolicy]:
    """Policies the organisation proposed or must decide as the register keeper."""
    return AccessPolicy.objects.select_related("purpose", "requester", "keeper").filter(
        Q(requester=organisation) | Q(keeper=organisation)
    )


def policies_to_decide_first(organisation: Organisation) -> QuerySet[AccessPolicy]:
    """`policies_involving`, the proposals this organisation must decide as keeper first,
    then the newest: a keeper of a national register sees hundreds of policies, and the
    ones waiting for it must not sink below them."""
    waiting = Q(status=AccessPolicy.Status.PROPOSED, keeper=organisation)
    return policies_involving(organisation).order_by(
        Case(When(waiting, then=Value(0)), default=Value(1)), "-created_at", "-pk"
    )


def data_requests_of(organisation: Organisation) -> QuerySet[DataRequest]:
    return DataRequest.objects.filter(requester=organisation)


def subscriptions_for_topic(topic: str) -> QuerySet[Subscription]:
    return Subscription.objects.select_related("organisation", "purpose").filter(
        topic=topic, is_active=True
    )


def deliveries_dead() -> QuerySet[Delivery]:
    return Delivery.objects.select_related("subscription__organisation").filter(
        status=Delivery.Status.DEAD
    )


def agencies_told(*, person_id: Any) -> list[dict[str, Any]]:
    """ "We told these agencies about your change": delivered events about this person."""
    rows = (
        Delivery.objects.select_related("subscription__organisation", "subscription__purpose")
        .filter(subject_ref=str(person_id), status=Delivery.Status.DELIVERED)
        .order_by("-delivered_at")[:200]
    )
    return [
        {
            "event_id": d.event_id,
            "organisation": d.subscription.organisation.name,
            "topic": d.topic,
            "purpose": d.subscription.purpose.name,
            "delivered_at": d.delivered_at,
        }
        for d in rows
    ]


def changes_told(*, person_id: Any) -> list[dict[str, Any]]:
    """`agencies_told` by change (one register event: a move reaches several agencies), the
    latest change first: its topic, when the first agency heard of it, and the agencies."""
    changes: dict[Any, dict[str, Any]] = {}
    for told in agencies_told(person_id=person_id):
        change = changes.setdefault(
            told["event_id"], {"topic": told["topic"], "at": told["delivered_at"], "told": []}
        )
        change["at"] = min(change["at"], told["delivered_at"])
        change["told"].append(told)
    for change in changes.values():
        change["told"].sort(key=lambda t: t["organisation"])
    return sorted(changes.values(), key=lambda c: c["at"], reverse=True)
