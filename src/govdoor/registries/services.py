"""Writes to registers and records: validated against the schema, versioned, announced.

Why every write makes a version row: history and "as of" reads come from the versions, and
a version names who changed what and why. Why events carry field names only: subscribers
must ask (through the access selector, so the ledger sees it) for any value they need.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.crypto import blind_index
from govdoor.core.errors import Conflict, DomainError, Refused
from govdoor.core.events import event_publish
from govdoor.organisations.models import Organisation
from govdoor.registries.models import (
    CorrectionRequest,
    Record,
    RecordIndex,
    RecordVersion,
    Register,
)
from govdoor.registries.schema import (
    PreconditionFailed,
    SchemaViolation,
    merged,
    record_errors,
    record_validate,
    schema_check,
    split,
)
from govdoor.registries.selectors import Caller, blind_purpose, records_search

Op = RecordVersion.Operation


def require_keeper(actor: Caller, register: Register) -> None:
    if not actor.keeps(register):
        raise Refused(
            _("Only the keeper of the %(code)s register may change it.") % {"code": register.code}
        )


# --- registers ----------------------------------------------------------------------------


def _register_fields_check(
    json_schema: dict[str, Any],
    personal: Sequence[str],
    indexed: Sequence[str],
    subject_field: str,
    key_field: str,
) -> None:
    names = set(json_schema.get("properties", {}))
    errors = [
        {"field": f"/{attr}", "detail": f"{value} is not a field of the schema"}
        for attr, values in (
            ("personal_fields", personal),
            ("indexed_fields", indexed),
            ("subject_field", [subject_field] if subject_field else []),
            ("key_field", [key_field] if key_field else []),
        )
        for value in values
        if value not in names
    ]
    errors += [
        {"field": "/indexed_fields", "detail": f"{v} is not a personal field"}
        for v in indexed
        if v not in personal
    ]
    if errors:
        raise SchemaViolation(_("The register definition names unknown fields."), errors=errors)


@transaction.atomic
def register_create(
    *,
    organisation: Organisation,
    code: str,
    name: str,
    json_schema: dict[str, Any],
    version: str = "1.0",
    description: str = "",
    personal_fields: Sequence[str] = (),
    indexed_fields: Sequence[str] = (),
    subject_field: str = "",
    subject_kind: str = Register.SubjectKind.NONE,
    key_field: str = "",
    retention_days: int | None = None,
    event_topics: dict[str, list[str]] | None = None,
    adapter: str = "local",
    adapter_config: dict[str, Any] | None = None,
) -> Register:
    """Define a register; its schema must be valid and name the declared fields."""
    schema_check(json_schema)
    _register_fields_check(json_schema, personal_fields, indexed_fields, subject_field, key_field)
    if Register.objects.filter(code=code, version=version).exists():
        raise Conflict(
            _("Register %(code)s %(v)s exists already.") % {"code": code, "v": version},
            field="code",
        )
    number = (Register.objects.select_for_update().aggregate(m=Max("number"))["m"] or 0) + 1
    register = Register.objects.create(
        number=number,
        code=code,
        version=version,
        name=name,
        description=description,
        organisation=organisation,
        json_schema=json_schema,
        field_order=list(json_schema.get("properties", {})),
        personal_fields=list(personal_fields),
        indexed_fields=list(indexed_fields),
        subject_field=subject_field,
        subject_kind=subject_kind,
        key_field=key_field,
        retention_days=retention_days,
        event_topics=event_topics or {},
        adapter=adapter,
        adapter_config=adapter_config or {},
    )
    event_publish(
        topic="registers.register_defined", payload={"register": code, "register_version": version}
    )
    return register


@transaction.atomic
def register_schema_update(
    *, register: Register, json_schema: dict[str, Any], actor: Caller
) -> Register:
    """Replace the schema; refused with a count when existing records would break it."""
    require_keeper(actor, register)
    schema_check(json_schema)
    _register_fields_check(
        json_schema,
        register.personal_fields,
        register.indexed_fields,
        register.subject_field,
        register.key_field,
    )
    broken = sum(
        1
        for record in Record.objects.filter(register=register, deleted_at__isnull=True).iterator()
        if record_errors(json_schema, merged(record))
    )
    if broken:
        raise Conflict(
            _("The new schema would invalidate %(n)d existing record(s).") % {"n": broken},
            field="json_schema",
        )
    register.json_schema = json_schema
    register.field_order = list(json_schema.get("properties", {}))
    register.save(update_fields=["json_schema", "field_order", "updated_at"])
    event_publish(
        topic="registers.schema_changed",
        payload={"register": register.code, "register_version": register.version},
    )
    return register


# --- records ------------------------------------------------------------------------------


def _subject(register: Register, data: dict[str, Any]) -> str:
    value = data.get(register.subject_field) if register.subject_field else None
    return "" if value is None else str(value)


def _index_rows(register: Register, record: Record, data: dict[str, Any]) -> list[RecordIndex]:
    return [
        RecordIndex(
            register=register,
            record=record,
            field=name,
            digest=blind_index(str(data[name]), purpose=blind_purpose(register, name)),
        )
        for name in register.indexed_fields
        if data.get(name) not in (None, "")
    ]


def _publish(register: Register, record: Record, kind: str, fields: Sequence[str]) -> None:
    payload = {
        "register": register.code,
        "register_version": register.version,
        "record_id": str(record.pk),
        "subject_id": record.subject_id or None,
        "version": record.version,
        "fields": sorted(fields),
    }
    event_publish(topic=f"registers.record_{kind}", payload=payload)
    if kind == "deleted":
        return
    for topic, group in sorted(register.event_topics.items()):
        hit = sorted(set(group) & set(fields))
        if hit:
            event_publish(topic=f"{register.code}.{topic}", payload={**payload, "fields": hit})


def _key_taken(register: Register, data: dict[str, Any], exclude: Any = None) -> bool:
    if not register.key_field or data.get(register.key_field) in (None, ""):
        return False
    qs = records_search(register=register, exact={register.key_field: data[register.key_field]})
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def _create(
    register: Register, data: dict[str, Any], actor: Caller, *, reason: str, operation: str
) -> Record:
    if _key_taken(register, data):
        raise Conflict(
            _("A record with this %(k)s exists already.") % {"k": register.key_field},
            field=register.key_field,
        )
    now = clock.now()
    plain, sealed = split(register, data)
    record = Record.objects.create(
        register=register,
        data=plain,
        personal=sealed,
        subject_id=_subject(register, data),
        created_at=now,
        updated_at=now,
    )
    RecordVersion.objects.create(
        record=record,
        version=1,
        operation=operation,
        data=plain,
        personal=sealed,
        changed_fields=sorted(data),
        valid_from=now,
        changed_by_org=actor.org_code,
        changed_by_user=actor.user_id or "",
        reason=reason,
    )
    RecordIndex.objects.bulk_create(_index_rows(register, record, data))
    _publish(register, record, "created", sorted(data))
    return record


@transaction.atomic
def record_create(
    *, register: Register, data: dict[str, Any], actor: Caller, reason: str = ""
) -> Record:
    """Validate and store a new record (version 1); announces `registers.record_created`."""
    require_keeper(actor, register)
    record_validate(register, data)
    return _create(register, data, actor, reason=reason, operation=Op.CREATE)


def _changed(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return sorted(k for k in set(old) | set(new) if old.get(k, ...) != new.get(k, ...))


def _update(
    record: Record,
    data: dict[str, Any],
    actor: Caller,
    *,
    expected_version: int,
    reason: str,
    operation: str,
) -> Record:
    register = record.register
    changed = _changed(merged(record), data)
    if not changed:
        if expected_version != record.version:
            raise PreconditionFailed(_("The record has changed since you read it."))
        return record
    if _key_taken(register, data, exclude=record.pk):
        raise Conflict(
            _("A record with this %(k)s exists already.") % {"k": register.key_field},
            field=register.key_field,
        )
    now = clock.now()
    plain, sealed = split(register, data)
    subject = _subject(register, data)
    won = Record.objects.filter(
        pk=record.pk, version=expected_version, deleted_at__isnull=True
    ).update(
        version=F("version") + 1, data=plain, personal=sealed, subject_id=subject, updated_at=now
    )
    if not won:
        raise PreconditionFailed(_("The record has changed since you read it."))
    RecordVersion.objects.filter(record=record, valid_to__isnull=True).update(valid_to=now)
    record.refresh_from_db()
    RecordVersion.objects.create(
        record=record,
        version=record.version,
        operation=operation,
        data=plain,
        personal=sealed,
        changed_fields=changed,
        valid_from=now,
        changed_by_org=actor.org_code,
        changed_by_user=actor.user_id or "",
        reason=reason,
    )
    if set(changed) & set(register.indexed_fields):
        RecordIndex.objects.filter(record=record).delete()
        RecordIndex.objects.bulk_create(_index_rows(register, record, data))
    _publish(register, record, "updated", changed)
    return record


@transaction.atomic
def record_update(
    *,
    record: Record,
    data: dict[str, Any],
    actor: Caller,
    expected_version: int | None = None,
    reason: str = "",
    merge: bool = False,
    operation: str = Op.UPDATE,
) -> Record:
    """Store a new version; `merge` keeps fields not given; a stale `expected_version` -> 412."""
    require_keeper(actor, record.register)
    full = {**merged(record), **data} if merge else dict(data)
    record_validate(record.register, full)
    expected = record.version if expected_version is None else expected_version
    return _update(
        record, full, actor, expected_version=expected, reason=reason, operation=operation
    )


@transaction.atomic
def record_delete(
    *, record: Record, actor: Caller, expected_version: int | None = None, reason: str = ""
) -> Record:
    """Soft delete: the record leaves searches, its history stays and says who and why."""
    require_keeper(actor, record.register)
    now = clock.now()
    expected = record.version if expected_version is None else expected_version
    won = Record.objects.filter(pk=record.pk, version=expected, deleted_at__isnull=True).update(
        version=F("version") + 1, deleted_at=now, updated_at=now
    )
    if not won:
        raise PreconditionFailed(_("The record has changed since you read it."))
    RecordVersion.objects.filter(record=record, valid_to__isnull=True).update(valid_to=now)
    record.refresh_from_db()
    RecordVersion.objects.create(
        record=record,
        version=record.version,
        operation=Op.DELETE,
        data={},
        personal="",
        changed_fields=[],
        valid_from=now,
        valid_to=now,
        changed_by_org=actor.org_code,
        changed_by_user=actor.user_id or "",
        reason=reason,
    )
    _publish(record.register, record, "deleted", [])
    return record


# --- corrections --------------------------------------------------------------------------


@transaction.atomic
def correction_request_create(
    *, record: Record, user: Any, proposed: dict[str, Any], explanation: str = ""
) -> CorrectionRequest:
    """A person asks the keeper to correct a record about them; a task in the back office."""
    register = record.register
    person_id = str(getattr(user, "person_id", "") or "")
    if not person_id or record.subject_id != person_id:
        raise Refused(_("You can ask for corrections only of records about you."))
    unknown = sorted(set(proposed) - set(register.field_names))
    if unknown or not proposed:
        raise DomainError(
            _("Name at least one field of the register to correct."),
            field=unknown[0] if unknown else "proposed",
        )
    record_validate(register, {**merged(record), **proposed})
    correction = CorrectionRequest.objects.create(
        record=record,
        requested_by=user,
        proposed=json.dumps(proposed, sort_keys=True),
        explanation=explanation,
        created_at=clock.now(),
    )
    event_publish(
        topic="registers.correction_requested",
        payload={
            "correction_id": str(correction.pk),
            "register": register.code,
            "record_id": str(record.pk),
            "fields": sorted(proposed),
        },
    )
    return correction


@transaction.atomic
def correction_request_decide(
    *,
    correction: CorrectionRequest,
    accept: bool,
    actor: Caller,
    decided_by: Any = None,
    note: str = "",
) -> CorrectionRequest:
    """The keeper accepts (a new version with the proposed values) or rejects a correction."""
    record = correction.record
    require_keeper(actor, record.register)
    if correction.status != CorrectionRequest.Status.OPEN:
        raise Conflict(_("This correction request was decided already."))
    if accept:
        record_update(
            record=record,
            data=json.loads(correction.proposed),
            actor=actor,
            merge=True,
            reason=f"correction {correction.pk}" + (f": {note}" if note else ""),
            operation=Op.CORRECTION,
        )
    correction.status = (
        CorrectionRequest.Status.ACCEPTED if accept else CorrectionRequest.Status.REJECTED
    )
    correction.decided_by = decided_by
    correction.decision_note = note
    correction.decided_at = clock.now()
    correction.save(update_fields=["status", "decided_by", "decision_note", "decided_at"])
    event_publish(
        topic="registers.correction_decided",
        payload={
            "correction_id": str(correction.pk),
            "record_id": str(record.pk),
            "status": correction.status,
        },
    )
    return correction
