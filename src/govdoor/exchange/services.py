"""Writes of the exchange: purposes, two-sided policies, data requests, consent, objections.

Why a request is checked before anything is read: a refusal must disclose nothing and leave
no ledger entry, only its own DataRequest row with the reason. An answered request reads
through `registries.selectors.subject_records_read_for`, which appends one ledger entry per
register read (naming the personal fields asked of it) with the request's row, in the read's
own statement on PostgreSQL and its transaction elsewhere; if the ledger cannot write,
nothing is committed and nothing leaves (503).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.errors import Conflict, DomainError, NotFound, Refused, Unavailable
from govdoor.core.fastsql import insert_one
from govdoor.exchange import cache, selectors
from govdoor.exchange.derived import derived_get
from govdoor.exchange.models import AccessPolicy, Consent, DataRequest, Objection, Purpose
from govdoor.identity.models import Person
from govdoor.identity.selectors import person_by_national_id, person_get
from govdoor.organisations.models import Organisation, StaffRole
from govdoor.organisations.selectors import user_has_role
from govdoor.registries import selectors as registers

log = logging.getLogger(__name__)


# --- purposes and policies ----------------------------------------------------------------


def _split(name: str) -> tuple[str, str]:
    register_code, _dot, field_name = name.partition(".")
    if not register_code or not field_name:
        raise DomainError(
            _("%(n)s is not of the form register.field.") % {"n": name}, field="fields"
        )
    return register_code, field_name


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in version.split("."))


def _registers_newest(codes: Sequence[str]) -> dict[str, Any]:
    """The newest active version of each named register, in one query."""
    newest: dict[str, Any] = {}
    for register in registers.registers_list().filter(code__in=list(codes)):
        held = newest.get(register.code)
        if held is None or _version_key(register.version) > _version_key(held.version):
            newest[register.code] = register
    return newest


def _field_known(register_code: str, field_name: str, cache: dict[str, Any] | None = None) -> Any:
    """The register, once it is known to have this field or derived value; 400 otherwise."""
    if cache is not None and register_code in cache:
        register = cache[register_code]
    else:
        try:
            register = registers.register_get(code=register_code)
        except NotFound:
            raise DomainError(
                _("There is no register %(r)s.") % {"r": register_code}, field="fields"
            ) from None
        if cache is not None:
            cache[register_code] = register
    if field_name not in register.field_names and derived_get(register_code, field_name) is None:
        raise DomainError(
            _("The register %(r)s has no field or derived value %(f)s.")
            % {"r": register_code, "f": field_name},
            field="fields",
        )
    return register


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
        _field_known(*_split(item))
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


@dataclass
class _Plan:
    purpose: Purpose
    fields: dict[str, list[str]]  # register -> plain fields asked
    derived: dict[str, list[str]]  # register -> derived values asked
    registers: dict[str, Any] = field(default_factory=dict)  # code -> Register

    def reads(self) -> dict[str, frozenset[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for code, names in self.fields.items():
            out[code].update(names)
        for code, names in self.derived.items():
            for name in names:
                spec = derived_get(code, name)
                out[code].update(spec.inputs if spec else ())
        return {k: frozenset(v) for k, v in out.items()}


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


def _agreements(
    *, requester: Organisation, purpose_code: str, codes: Sequence[str]
) -> tuple[dict[str, Any], Purpose | None, dict[str, list[AccessPolicy]]]:
    """What a request checks that is not about the person: the registers asked (newest
    versions), the purpose if the requester holds it, its approved policies (cached)."""
    known = _registers_newest(codes)
    purpose = selectors.purpose_held(code=purpose_code, requester=requester)
    held = (
        selectors.policies_by_register(requester=requester, purpose=purpose, register_codes=codes)
        if purpose is not None
        else {}
    )
    return known, purpose, held


def _plan(
    *, requester: Organisation, person_id: uuid.UUID, purpose_code: str, fields: Sequence[str]
) -> _Plan:
    """Every check, no writes: Refused with the reason, or what may be read."""
    asked: dict[str, list[str]] = defaultdict(list)
    for item in fields:
        code, name = _split(item)
        asked[code].append(name)
    codes = tuple(sorted(asked))
    known, purpose, held = cache.cached(
        ("plan", requester.pk, purpose_code, codes),
        lambda: _agreements(requester=requester, purpose_code=purpose_code, codes=codes),
    )
    known = dict(known)  # the cached dict is shared: never add to it
    for code, names in asked.items():
        for name in names:
            _field_known(code, name, known)
    if purpose is None:
        raise Refused(_("Your organisation holds no purpose %(p)s.") % {"p": purpose_code})
    today = clock.today()
    plan = _Plan(purpose=purpose, fields={}, derived={}, registers=known)
    objections = [] if purpose.mandatory else selectors.objections_in_force(person_id=person_id)
    for code, names in sorted(asked.items()):
        policies = held.get(code, [])
        if not policies:
            raise Refused(_("No approved policy for %(r)s and this purpose.") % {"r": code})
        policy = selectors.policy_in_force(policies, today)
        if policy is None:
            raise Refused(_("The policy for %(r)s is not valid today.") % {"r": code})
        beyond = sorted(set(names) - set(policy.fields) - set(policy.derived))
        if beyond:
            raise Refused(
                _("The policy does not allow these fields: %(f)s.")
                % {"f": ", ".join(f"{code}.{n}" for n in beyond)}
            )
        if any(o.covers(code, requester, purpose) for o in objections):
            raise Refused(_("The person has objected to this disclosure."))
        plan.fields[code] = sorted({n for n in names if n in policy.fields})
        plan.derived[code] = sorted({n for n in names if n in policy.derived})
    if purpose.consent_required and not selectors.consent_covering(
        person_id=person_id, organisation=requester, purpose=purpose, fields=sorted(set(fields))
    ):
        raise Refused(_("The purpose needs the person's consent, and there is none in force."))
    return plan


def _read(
    *, plan: _Plan, requester: Organisation, person_id: uuid.UUID, request: DataRequest
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
    reads = plan.reads()
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
    for record, values in found:
        code = record.register.code
        data[code].append(_minimise(code, values, plan))
    return data


def _minimise(code: str, values: dict[str, Any], plan: _Plan) -> dict[str, Any]:
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
            plan = _plan(
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
