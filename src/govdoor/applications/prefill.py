"""Ask only once: fill form fields from the registers through the exchange, with provenance.

The requesting organisation is the service's owner and the purpose is the field's own; one
data request per (purpose, register), so a register that refuses does not stop the others.
A refusal (no policy, an objection, no consent, no record) is not an error for the person:
the field is asked normally, with a short note saying why it could not be filled.

Why registers about businesses are read differently: the exchange's data requests are about
people. For a business, the same agreement is checked here with the exchange's selectors (the
purpose is held, a policy is in force and allows the fields) and the values are read through
the registers' access selector, which writes the ledger entry when the register is personal.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from govdoor.applications.definition import DefinitionError, fields
from govdoor.applications.selectors import Subject
from govdoor.core import clock
from govdoor.core.errors import DomainError, Refused
from govdoor.exchange import selectors as exchange
from govdoor.exchange.derived import derived_get
from govdoor.exchange.services import data_request_answer
from govdoor.registries import selectors as registers

log = logging.getLogger(__name__)


@dataclass
class Prefilled:
    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # field -> {value, source}
    refused: dict[str, str] = field(default_factory=dict)  # field -> why not


def _groups(definition: dict[str, Any]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for _page, spec in fields(definition):
        prefill = spec.get("prefill")
        if prefill:
            groups[(prefill["purpose"], prefill["register"])].append(spec)
    return groups


def _source(register: Any, record: Any, spec: dict[str, Any], request_id: str) -> dict[str, Any]:
    return {
        "register": register.code,
        "register_name": register.name,
        "version": register.version,
        "record_version": record.version,
        "field": spec["prefill"]["field"],
        "changed_at": record.updated_at.isoformat(),
        "purpose": spec["prefill"]["purpose"],
        "data_request": request_id,
    }


def _record_of(register: Any, subject: Subject) -> Any:
    if not register.subject_field:
        return None
    return (
        registers.records_search(register=register, exact={register.subject_field: str(subject.id)})
        .select_related("register", "register__organisation")
        .first()
    )


def _business_read(
    *, owner: Any, purpose_code: str, register: Any, record: Any, names: list[str]
) -> dict[str, Any]:
    """The exchange's agreement, checked for a business subject; then the ledgered read."""
    purpose = exchange.purpose_held(code=purpose_code, requester=owner)
    if purpose is None:
        raise Refused(_("Your organisation holds no purpose %(p)s.") % {"p": purpose_code})
    held = exchange.policies_by_register(
        requester=owner, purpose=purpose, register_codes=[register.code]
    )
    policy = exchange.policy_in_force(held.get(register.code, []), clock.today())
    if policy is None or set(names) - set(policy.fields):
        raise Refused(_("No approved policy for %(r)s and this purpose.") % {"r": register.code})
    caller = registers.Caller(
        organisation=owner, is_agency=True, purpose=purpose.code, legal_basis=purpose.legal_basis
    )
    return registers.record_read_for(record=record, caller=caller, only=names)


def _one_group(
    *, owner: Any, subject: Subject, purpose: str, register_code: str, specs: list[dict[str, Any]]
) -> Prefilled:
    out = Prefilled()
    names = sorted({s["prefill"]["field"] for s in specs})
    try:
        register = registers.register_get(code=register_code)
        record = _record_of(register, subject)
        if record is None:
            raise Refused(_("%(r)s has no record about you.") % {"r": register.name})
        if register.subject_kind == "business" or subject.kind == "business":
            values = _business_read(
                owner=owner, purpose_code=purpose, register=register, record=record, names=names
            )
            request_id = ""
        else:
            answer = data_request_answer(
                requester=owner,
                purpose_code=purpose,
                fields=[f"{register_code}.{n}" for n in names],
                subject_id=str(subject.id),
            )
            rows = answer.data.get(register_code) or [{}]
            values, request_id = rows[0], str(answer.request.pk)
    except DomainError as exc:
        for spec in specs:
            out.refused[spec["name"]] = exc.detail
        log.info("prefill not answered", extra={"purpose": purpose, "register": register_code})
        return out
    for spec in specs:
        value = values.get(spec["prefill"]["field"])
        if value is None or value == "" or value == []:
            out.refused[spec["name"]] = _("%(r)s holds no value for this.") % {"r": register.name}
            continue
        out.values[spec["name"]] = {
            "value": value,
            "source": _source(register, record, spec, request_id),
        }
    return out


def prefill_fetch(
    *, definition: dict[str, Any], owner: Any, subject: Subject, only: set[str] | None = None
) -> Prefilled:
    """Prefill every field of `definition` that names a register (or only those in `only`)."""
    result = Prefilled()
    for (purpose, register_code), specs in sorted(_groups(definition).items()):
        wanted = [s for s in specs if only is None or s["name"] in only]
        if not wanted:
            continue
        part = _one_group(
            owner=owner,
            subject=subject,
            purpose=purpose,
            register_code=register_code,
            specs=wanted,
        )
        result.values.update(part.values)
        result.refused.update(part.refused)
    return result


def prefill_definition_check(owner: Any) -> Any:
    """A checker for `definition.semantic_errors`: register, field and purpose must fit."""
    cache: dict[str, Any] = {}

    def check(path: str, prefill: dict[str, Any]) -> list[DefinitionError]:
        code, name, purpose_code = prefill["register"], prefill["field"], prefill["purpose"]
        if code not in cache:
            try:
                cache[code] = registers.register_get(code=code)
            except DomainError:
                cache[code] = None
        register = cache[code]
        if register is None:
            return [DefinitionError(f"{path}.register", _("There is no register %s.") % code)]
        if name not in register.field_names and derived_get(code, name) is None:
            return [
                DefinitionError(
                    f"{path}.field",
                    _("The register %(r)s has no field %(f)s.") % {"r": code, "f": name},
                )
            ]
        purpose = exchange.purpose_get(purpose_code)
        if purpose is None:
            return [DefinitionError(f"{path}.purpose", _("There is no purpose %s.") % purpose_code)]
        if f"{code}.{name}" not in purpose.allowed_fields:
            return [
                DefinitionError(
                    f"{path}.purpose",
                    _("The purpose %(p)s does not allow %(f)s.")
                    % {"p": purpose_code, "f": f"{code}.{name}"},
                )
            ]
        if owner is not None and exchange.purpose_held(code=purpose_code, requester=owner) is None:
            return [
                DefinitionError(
                    f"{path}.purpose",
                    _("%(o)s is not a requester of the purpose %(p)s.")
                    % {"o": owner.name, "p": purpose_code},
                )
            ]
        return []

    return check
