"""Writes of the exchange: purposes, two-sided policies, data requests, consent, objections.

Why a request is checked (`plans.plan_for`) before anything is read: a refusal must disclose
nothing and leave no ledger entry, only its own DataRequest row with the reason. An answered
request reads through `registries.selectors.subject_records_read_for`, which appends one
ledger entry per register read (naming the personal fields asked of it) with the request's
row, in the read's own statement on PostgreSQL and its transaction elsewhere; if the ledger
cannot write, nothing is committed and nothing leaves (503).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.errors import Conflict, DomainError, NotFound, Refused, Unavailable
from govdoor.core.fastsql import insert_one
from govdoor.exchange import selectors
from govdoor.exchange.derived import derived_get
from govdoor.exchange.models import AccessPolicy, Consent, DataRequest, Objection, Purpose
from govdoor.exchange.plans import Plan, field_known, field_split, plan_for
from govdoor.identity.models import Person
from govdoor.identity.selectors import person_by_national_id, person_get
from govdoor.organisations.models import Organisation, StaffRole
from govdoor.organisations.selectors import user_has_role
from govdoor.registries import selectors as registers

log = logging.getLogger(__name__)


# --- purposes and policies ----------------------------------------------------------------


@transaction.atomic
def purpose_create(
    *,
    code: str,
    name: str,
    description: str,
    legal_basis: str,
    allowed_fields: Sequence[str],
    retention_days: int,
    requesting_organisations: Sequence[Organisation],
    mandatory: bool = False,
    consent_required: bool = False,
) -> Purpose:
    for item in allowed_fields:
        field_known(*field_split(item))
    if Purpose.objects.filter(code=code).exists():
        raise Conflict(_("A purpose with this code exists."), field="code")
    purpose = Purpose.objects.create(
        code=code,
        name=name,
        description=description,
        legal_basis=legal_basis,
        allowed_fields=sorted(set(allowed_fields)),
        retention_days=retention_days,
        mandatory=mandatory,
        consent_required=consent_required,
    )
    purpose.requesting_organisations.set(requesting_organisations)
    return purpose


@transaction.atomic
def policy_propose(
    *,
    purpose: Purpose,
    requester: Organisation,
    register_code: str,
    fields: Sequence[str],
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    proposed_by: Any = None,
) -> AccessPolicy:
    """The requesting agency proposes; only fields the purpose allows can be asked for."""
    if not purpose.requesting_organisations.filter(pk=requester.pk).exists():
        raise Refused(_("Your organisation is not a requester of this purpose."))
    register = registers.register_get(code=register_code)
    wanted = {f"{register_code}.{f}" for f in fields}
    beyond = sorted(wanted - set(purpose.allowed_fields))
    if not fields or beyond:
        raise DomainError(
            _("The purpose does not allow: %(f)s.") % {"f": ", ".join(beyond) or "-"},
            field="fields",
        )
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(_("The policy must end after it starts."), field="valid_to")
    plain = sorted(f for f in fields if derived_get(register_code, f) is None)
    derived = sorted(f for f in fields if derived_get(register_code, f) is not None)
    return AccessPolicy.objects.create(
        purpose=purpose,
        requester=requester,
        keeper_id=register.organisation_id,
        register_code=register_code,
        fields=plain,
        derived=derived,
        valid_from=valid_from,
        valid_to=valid_to,
        proposed_by=proposed_by,
    )


@transaction.atomic
def policy_decide(
    *, policy: AccessPolicy, approve: bool, decided_by: Any, note: str = ""
) -> AccessPolicy:
    """The register keeper's side of the agreement."""
    if not user_has_role(decided_by, policy.keeper, StaffRole.Role.REGISTER_KEEPER):
        raise Refused(_("Only a keeper of the register decides on its policies."))
    if policy.status != AccessPolicy.Status.PROPOSED:
        raise Conflict(_("This policy has already been decided."), field="status")
    policy.status = AccessPolicy.Status.APPROVED if approve else AccessPolicy.Status.REJECTED
    policy.decided_by = decided_by
    policy.decided_at = clock.now()
    policy.decision_note = note[:500]
    policy.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return policy


@transaction.atomic
def policy_withdraw(*, policy: AccessPolicy, organisation: Organisation, by: Any) -> AccessPolicy:
    """Either side ends the agreement: requests and deliveries under it stop at once."""
    if organisation.pk not in (policy.requester_id, policy.keeper_id):
        raise Refused(_("Only the two parties to a policy can withdraw it."))
    role = (
        StaffRole.Role.REGISTER_KEEPER
        if organisation.pk == policy.keeper_id
        else StaffRole.Role.SERVICE_OWNER
    )
    if not user_has_role(by, organisation, role):
        raise Refused(_("Only a service owner or register keeper can withdraw a policy."))
    if policy.status not in (AccessPolicy.Status.PROPOSED, AccessPolicy.Status.APPROVED):
        raise Conflict(_("This policy is no longer in force."), field="status")
    policy.status = AccessPolicy.Status.WITHDRAWN
    policy.decided_by = by
    policy.decided_at = clock.now()
    policy.save(update_fields=["status", "decided_by", "decided_at"])
    return policy


# --- data requests ------------------------------------------------------------------------


@dataclass
class Answer:
    request: DataRequest
    data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def subject_resolve(*, subject_id: str | None = None, national_id: str | None = None) -> Person:
    if national_id:
        person = person_by_national_id(national_id)
        if person is None:
            raise NotFound(_("No such person."))
        return person
    return person_get(subject_id)


def _subject_id(*, subject_id: str | None, national_id: str | None) -> tuple[uuid.UUID, bool]:
    """The subject's id, and whether the person is known to exist. An opaque id is not looked
    up here: a request that finds records about it needs no lookup (one query less), and
    one that finds none checks then (404 for an unknown person)."""
    if national_id or not subject_id:
        return subject_resolve(subject_id=subject_id, national_id=national_id).pk, True
    try:
        return uuid.UUID(str(subject_id)), False
    except ValueError:
        raise NotFound(_("No such person.")) from None


def _read(
    *, plan: Plan, requester: Organisation, person_id: uuid.UUID, request: DataRequest
) -> dict[str, Any]:
    """The minimised answer: the person's records in every register asked, read with their
    ledger entries (one per register that holds a record about them) and `request` (the
    answered request's row), in one statement on PostgreSQL."""
    caller = registers.Caller(
        organisation=requester,
        is_agency=True,
        purpose=plan.purpose.code,
        legal_basis=plan.purpose.legal_basis,
    )
    reads = plan.reads
    chosen = []
    for code in sorted(reads):
        register = plan.registers[code]
        if not register.subject_field:
            raise DomainError(_("%(r)s has no subject.") % {"r": code}, field="fields")
        chosen.append(register)
    data: dict[str, list[dict[str, Any]]] = {code: [] for code in reads}
    scope = selectors.GrantScope(requester.pk, plan.purpose.code, reads)
    with selectors.grant_scope(scope):
        found = registers.subject_records_read_for(
            registers=chosen,
            subject_id=person_id,
            caller=caller,
            names=reads,
            companions=[request],
        )
    for _record_id, register, values in found:
        code = register.code
        data[code].append(_minimise(code, values, plan))
    return data


def _minimise(code: str, values: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """Exactly what was asked: the plain fields, and derived answers instead of their inputs."""
    out = {k: values.get(k) for k in plan.fields.get(code, [])}
    for name in plan.derived.get(code, []):
        spec = derived_get(code, name)
        out[name] = spec.compute(values) if spec else None
    return out


def _request(**kwargs: Any) -> DataRequest:
    return DataRequest(created_at=clock.now(), **kwargs)


def _unknown_subject_check(person_id: uuid.UUID, request: DataRequest) -> None:
    """Nothing was found about an opaque id: NotFound (404) if no such person exists, with the
    request's row (already written with the read) marked refused for that reason."""
    try:
        person_get(person_id)
    except NotFound as exc:
        DataRequest.objects.filter(pk=request.pk).update(
            status=DataRequest.Status.REFUSED, reason=str(exc.detail)[:500]
        )
        raise


def data_request_answer(
    *,
    requester: Organisation,
    purpose_code: str,
    fields: Sequence[str],
    subject_id: str | None = None,
    national_id: str | None = None,
) -> Answer:
    """Answer one request with exactly the allowed fields, or refuse with the reason.

    Refusals and failures are recorded in their own transaction (so the rollback of the
    refused or failed read cannot take the record with it) and logged with ids only.
    """
    person_id, known = _subject_id(subject_id=subject_id, national_id=national_id)
    base = dict(
        requester=requester,
        subject_ref=str(person_id),
        purpose_code=purpose_code[:80],
        fields=sorted(set(fields)),
    )
    try:
        # Top level, the read and its writes are one statement (a transaction of its own on
        # PostgreSQL); inside a caller's transaction, a savepoint keeps a refusal's record.
        with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
            plan = plan_for(
                requester=requester, person_id=person_id, purpose_code=purpose_code, fields=fields
            )
            request = _request(status=DataRequest.Status.ANSWERED, **base)
            data = _read(plan=plan, requester=requester, person_id=person_id, request=request)
            if not known and not any(data.values()):
                _unknown_subject_check(person_id, request)
    except (Refused, Unavailable) as exc:
        status = (
            DataRequest.Status.REFUSED if isinstance(exc, Refused) else DataRequest.Status.FAILED
        )
        with transaction.atomic():
            request = insert_one(_request(status=status, reason=exc.detail[:500], **base))
        log.info(
            "exchange request not answered",
            extra={"data_request_id": str(request.pk), "status": status, "org": requester.code},
        )
        raise
    return Answer(request=request, data=data)


# --- consent and objections ---------------------------------------------------------------


@transaction.atomic
def consent_give(
    *,
    person: Person,
    purpose: Purpose,
    organisation: Organisation,
    fields: Sequence[str],
    expires_at: dt.datetime | None = None,
) -> Consent:
    if not purpose.requesting_organisations.filter(pk=organisation.pk).exists():
        raise DomainError(_("That organisation does not use this purpose."), field="organisation")
    beyond = sorted(set(fields) - set(purpose.allowed_fields))
    if not fields or beyond:
        raise DomainError(
            _("The purpose does not use: %(f)s.") % {"f": ", ".join(beyond) or "-"},
            field="fields",
        )
    if expires_at is not None and expires_at <= clock.now():
        raise DomainError(_("The end date must be in the future."), field="expires_at")
    return Consent.objects.create(
        person=person,
        purpose=purpose,
        organisation=organisation,
        fields=sorted(set(fields)),
        given_at=clock.now(),
        expires_at=expires_at,
    )


@transaction.atomic
def consent_revoke(*, consent: Consent) -> Consent:
    if consent.revoked_at is None:
        consent.revoked_at = clock.now()
        consent.save(update_fields=["revoked_at"])
    return consent


def objection_not_possible_reason(purpose: Purpose) -> str:
    return _(
        "You cannot object to this use: the law requires it (%(basis)s). "
        "You can ask the organisation to explain or correct the data instead."
    ) % {"basis": purpose.legal_basis}


@transaction.atomic
def objection_create(
    *,
    person: Person,
    register_code: str = "",
    recipient: Organisation | None = None,
    purpose: Purpose | None = None,
) -> Objection:
    """Record an objection; refused with the reason when the purpose is a legal obligation."""
    if purpose is not None and purpose.mandatory:
        raise Refused(objection_not_possible_reason(purpose))
    if register_code:
        registers.register_get(code=register_code)
    return Objection.objects.create(
        person=person,
        register_code=register_code,
        recipient=recipient,
        purpose=purpose,
        created_at=clock.now(),
    )


@transaction.atomic
def objection_withdraw(*, objection: Objection) -> Objection:
    if objection.withdrawn_at is None:
        objection.withdrawn_at = clock.now()
        objection.save(update_fields=["withdrawn_at"])
    return objection
