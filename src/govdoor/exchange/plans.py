"""What a data request may read, checked before anything is read: the fields asked against the
registers, the purpose the requester holds and its approved policies, then the person's
objections and consent.

Why a module of its own: every request runs these checks, and all but the person's are the
same for the same requester, purpose, fields, day and language, so their outcome is cached
(`cache.py`) and only the person's part runs each time. A refusal here has read nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.errors import DomainError, NotFound, Refused
from govdoor.exchange import cache, selectors
from govdoor.exchange.derived import derived_get
from govdoor.exchange.models import AccessPolicy, Purpose
from govdoor.organisations.models import Organisation
from govdoor.registries import selectors as registers


def field_split(name: str) -> tuple[str, str]:
    """("register", "field") of "register.field"; 400 for anything else."""
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


def field_known(register_code: str, field_name: str, known: dict[str, Any] | None = None) -> Any:
    """The register, once it is known to have this field or derived value; 400 otherwise.
    `known` (code -> register) is looked in first and learns the registers looked up."""
    if known is not None and register_code in known:
        register = known[register_code]
    else:
        try:
            register = registers.register_get(code=register_code)
        except NotFound:
            raise DomainError(
                _("There is no register %(r)s.") % {"r": register_code}, field="fields"
            ) from None
        if known is not None:
            known[register_code] = register
    if field_name not in register.field_names and derived_get(register_code, field_name) is None:
        raise DomainError(
            _("The register %(r)s has no field or derived value %(f)s.")
            % {"r": register_code, "f": field_name},
            field="fields",
        )
    return register


@dataclass(frozen=True)
class Plan:
    """What a request may read, as far as it does not depend on the person: cached per
    requester, purpose, fields, day and language, for as long as the agreements it derives
    from. The person's objections and consent can only refuse it, never narrow it."""

    purpose: Purpose
    fields: dict[str, list[str]]  # register -> plain fields asked
    derived: dict[str, list[str]]  # register -> derived values asked
    registers: dict[str, Any]  # code -> Register
    reads: dict[str, frozenset[str]]  # register -> the fields read (derived values' inputs too)
    # Each register asked, in order, with the reason it is refused ("" if it is not).
    outcomes: tuple[tuple[str, str], ...]


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


def _plan_agreed(
    *, requester: Organisation, purpose_code: str, fields: Sequence[str], today: dt.date
) -> Plan:
    """The checks that do not depend on the person: DomainError (400) for a malformed or
    unknown field, Refused if the requester holds no such purpose; each register's outcome."""
    asked: dict[str, list[str]] = defaultdict(list)
    for item in fields:
        code, name = field_split(item)
        asked[code].append(name)
    codes = tuple(sorted(asked))
    known, purpose, held = cache.cached(
        ("agreements", requester.pk, purpose_code, codes),
        lambda: _agreements(requester=requester, purpose_code=purpose_code, codes=codes),
    )
    known = dict(known)  # the cached dict is shared: never add to it
    for code, names in asked.items():
        for name in names:
            field_known(code, name, known)
    if purpose is None:
        raise Refused(_("Your organisation holds no purpose %(p)s.") % {"p": purpose_code})
    plain: dict[str, list[str]] = {}
    derived: dict[str, list[str]] = {}
    reads: dict[str, frozenset[str]] = {}
    outcomes = []
    for code, names in sorted(asked.items()):
        policy, refusal = _policy_for(code, names, held.get(code, []), today)
        outcomes.append((code, refusal))
        if policy is None:
            continue
        plain[code] = sorted({n for n in names if n in policy.fields})
        derived[code] = sorted({n for n in names if n in policy.derived})
        inputs = [spec.inputs for n in derived[code] if (spec := derived_get(code, n))]
        reads[code] = frozenset(plain[code]).union(*inputs)
    return Plan(purpose, plain, derived, known, reads, tuple(outcomes))


def _policy_for(
    code: str, names: list[str], policies: list[AccessPolicy], today: dt.date
) -> tuple[AccessPolicy | None, str]:
    """The policy in force today that allows every name asked of register `code`, or why
    there is none."""
    if not policies:
        return None, _("No approved policy for %(r)s and this purpose.") % {"r": code}
    policy = selectors.policy_in_force(policies, today)
    if policy is None:
        return None, _("The policy for %(r)s is not valid today.") % {"r": code}
    beyond = sorted(set(names) - set(policy.fields) - set(policy.derived))
    if beyond:
        return None, _("The policy does not allow these fields: %(f)s.") % {
            "f": ", ".join(f"{code}.{n}" for n in beyond)
        }
    return policy, ""


def plan_for(
    *, requester: Organisation, person_id: uuid.UUID, purpose_code: str, fields: Sequence[str]
) -> Plan:
    """Every check, no writes: Refused with the reason, or what may be read."""
    today = clock.today()
    plan = cache.cached(
        ("plan", requester.pk, purpose_code, tuple(fields), today, translation.get_language()),
        lambda: _plan_agreed(
            requester=requester, purpose_code=purpose_code, fields=fields, today=today
        ),
    )
    purpose = plan.purpose
    objections = [] if purpose.mandatory else selectors.objections_in_force(person_id=person_id)
    for code, refusal in plan.outcomes:
        if refusal:
            raise Refused(refusal)
        if any(o.covers(code, requester, purpose) for o in objections):
            raise Refused(_("The person has objected to this disclosure."))
    if purpose.consent_required and not selectors.consent_covering(
        person_id=person_id, organisation=requester, purpose=purpose, fields=sorted(set(fields))
    ):
        raise Refused(_("The purpose needs the person's consent, and there is none in force."))
    return plan
