"""Reads of registers and records.

Why one access selector: every read of a record that holds personal data must check the
caller's right (the keeper, or an exchange grant) and leave exactly one ledger entry in the
same transaction. `records_read_for` is that selector; everything that returns record values
to someone outside this module goes through it.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection, models, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from govdoor.core import fastsql
from govdoor.core.crypto import blind_index
from govdoor.core.errors import DomainError, NotFound, Refused
from govdoor.organisations.models import Organisation
from govdoor.registries.models import (
    CorrectionRequest,
    Record,
    RecordIndex,
    RecordVersion,
    Register,
)
from govdoor.registries.schema import merged, merged_values

KEEPER_ROLE = "register_keeper"


@dataclass(frozen=True)
class Caller:
    """Who reads or writes: an organisation, through an agency system or a staff member."""

    organisation: Organisation | None
    user_id: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    is_agency: bool = False
    scopes: frozenset[str] = field(default_factory=frozenset)
    purpose: str = "register-keeping"
    legal_basis: str = ""

    def keeps(self, register: Register) -> bool:
        """The owning organisation, as an agency system or a staff register keeper."""
        if self.organisation is None or self.organisation.pk != register.organisation_id:
            return False
        return self.is_agency or KEEPER_ROLE in self.roles

    @property
    def org_code(self) -> str:
        return self.organisation.code if self.organisation else ""


def blind_purpose(register: Register, field_name: str) -> str:
    return f"registers:{register.code}:{field_name}"


# --- registers ----------------------------------------------------------------------------


def register_get(*, code: str, version: str | None = None) -> Register:
    """The register `code` at `version` (or its newest active version); NotFound otherwise."""
    qs = Register.objects.select_related("organisation").filter(code=code, is_active=True)
    if version is not None:
        qs = qs.filter(version=version)
    found = sorted(qs, key=lambda r: _version_key(r.version))
    if not found:
        raise NotFound(_("No register %(code)s at that version.") % {"code": code})
    return found[-1]


def _version_key(version: str) -> tuple[int | str, ...]:
    return tuple(int(p) if p.isdigit() else p for p in version.split("."))


def registers_list() -> QuerySet[Register]:
    return Register.objects.select_related("organisation").filter(is_active=True)


# --- searching (returns rows, not values: values go through records_read_for) -------------


def _check_field(register: Register, name: str) -> None:
    if name not in register.field_names:
        raise DomainError(_("The register has no field %(f)s.") % {"f": name}, field=name)


def records_search(
    *,
    register: Register,
    exact: dict[str, Any] | None = None,
    prefix: dict[str, str] | None = None,
    include_deleted: bool = False,
) -> QuerySet[Record]:
    """Records matching every exact value and prefix; personal fields only by exact value.

    Personal fields are sealed, so only their blind-indexed fields can be matched, and only
    exactly; a prefix on a personal field is refused with a reason rather than ignored.
    """
    qs = Record.objects.filter(register=register)
    if not include_deleted:
        qs = qs.filter(deleted_at__isnull=True)
    for name, value in (exact or {}).items():
        _check_field(register, name)
        if name == register.subject_field:
            # The subject's pseudonymous id is kept (indexed) beside the record already.
            qs = qs.filter(subject_id=str(value))
        elif name in register.personal_fields:
            if name not in register.indexed_fields:
                raise DomainError(
                    _("%(f)s is personal data and not indexed: it cannot be searched.")
                    % {"f": name},
                    field=name,
                )
            digest = blind_index(str(value), purpose=blind_purpose(register, name))
            qs = qs.filter(
                id__in=RecordIndex.objects.filter(
                    register=register, field=name, digest=digest
                ).values("record_id")
            )
        else:
            qs = qs.filter(**{f"data__{name}": value})
    for name, value in (prefix or {}).items():
        _check_field(register, name)
        if name in register.personal_fields:
            raise DomainError(
                _("%(f)s is personal data: only an exact search is possible on it.") % {"f": name},
                field=name,
            )
        qs = qs.filter(**{f"data__{name}__startswith": value})
    return qs.order_by("id")


class SubjectRecord(NamedTuple):
    """One record of `subject_records_read_for`: its id, its register and the values asked."""

    id: uuid.UUID
    register: Register
    values: dict[str, Any]


def subject_records_read_for(
    *,
    registers: Sequence[Register],
    subject_id: Any,
    caller: Caller,
    names: Mapping[str, Collection[str]],
    companions: Sequence[models.Model] = (),
) -> list[SubjectRecord]:
    """One subject's live records in each of `registers` (in id order), each with its values
    of `names[register code]`, and one ledger entry per register read that holds personal
    data and a record about them; `companions` are written with the entries.

    The entry of a register lists the personal fields asked of it (`names`), whether or not
    each record fills them: the answer carries every asked field, an empty one included. The
    right to read each register is checked before anything is read. On PostgreSQL the read
    and its entries are one statement (see `ledger_append_for_read`): this is the hot path
    of every data request, so the SQL is built once per backend and register count.
    """
    if not registers:
        raise ValueError("a subject's records are read from at least one register")
    by_id = {register.pk: register for register in registers}
    register_pk = Record._meta.get_field("register").target_field  # type: ignore[union-attr]
    keys = [register_pk.get_db_prep_value(pk, connection) for pk in by_id]
    entries = {}
    for key, register in zip(keys, by_id.values(), strict=True):
        if register.holds_personal_data:
            fields = sorted(f for f in register.personal_fields if f in names[register.code])
            entries[key] = _ledger_entry(
                subject_id=str(subject_id),
                actor_org=caller.org_code,
                actor_user=caller.user_id,
                action=_right_for(caller, register, fields),
                purpose=caller.purpose,
                legal_basis=caller.legal_basis or f"register:{register.code}",
                fields=fields,
            )
    read = (_records_of_subject_sql(connection.vendor, len(keys)), [*keys, str(subject_id)])
    rows = _ledger_append_for_read()(
        read=read, key=_REGISTER_KEY, entries=entries, companions=companions
    )
    out = []
    for record_id, register_id, data, personal, _subject in fastsql.rows_converted(
        Record, sorted(rows, key=lambda row: row[0]), only=_SUBJECT_READ
    ):
        register = by_id[register_id]
        wanted = names[register.code]
        values = merged_values(data, personal)
        out.append(
            SubjectRecord(record_id, register, {k: v for k, v in values.items() if k in wanted})
        )
    return out


# What a data request needs of a record (the rest stays deferred: ~a third of the row's
# decoding, timestamps above all), and the register column as the ledger's statement names
# it and as the read's rows hold it.
_SUBJECT_READ = ("id", "register_id", "data", "personal", "subject_id")
_REGISTER_KEY = ('"register_id"', _SUBJECT_READ.index("register_id"))


@functools.cache
def _records_of_subject_sql(vendor: str, registers: int) -> str:
    qn = connection.ops.quote_name
    return (
        f"SELECT {fastsql.select_columns(Record, only=_SUBJECT_READ)}"
        f" FROM {qn(Record._meta.db_table)}"
        f" WHERE {qn('register_id')} IN ({', '.join(['%s'] * registers)})"
        f" AND {qn('subject_id')} = %s AND {qn('deleted_at')} IS NULL ORDER BY {qn('id')}"
    )


def record_get(*, register: Register, record_id: Any, include_deleted: bool = False) -> Record:
    qs = Record.objects.select_related("register", "register__organisation").filter(
        register=register
    )
    if not include_deleted:
        qs = qs.filter(deleted_at__isnull=True)
    try:
        return qs.get(pk=uuid.UUID(str(record_id)))
    except (Record.DoesNotExist, ValueError):
        raise NotFound(_("No such record.")) from None


# --- the access selector ------------------------------------------------------------------


@functools.cache
def _exchange_grant_check() -> Any:
    """The exchange domain's grant check, or None without it (imported once, lazily: the
    exchange imports registries, not the other way round)."""
    try:
        module = importlib.import_module("govdoor.exchange.selectors")
    except ModuleNotFoundError:
        return None
    return getattr(module, "exchange_grant_allows", None)


def _exchange_grant_allows(*, caller: Caller, register: Register, fields: Sequence[str]) -> bool:
    """Ask the exchange domain whether a grant lets `caller` see these fields."""
    check = _exchange_grant_check()
    if check is None:
        return False
    return bool(
        check(
            organisation=caller.organisation,
            register_code=register.code,
            fields=list(fields),
            purpose=caller.purpose,
        )
    )


def _ledger_append_many() -> Any:
    """The ledger's append, imported here so registries does not import ledger at load time."""
    from govdoor.ledger.services import ledger_append_many

    return ledger_append_many


def _ledger_append_for_read() -> Any:
    from govdoor.ledger.services import ledger_append_for_read

    return ledger_append_for_read


def _ledger_entry(**kwargs: Any) -> Any:
    from govdoor.ledger.services import LedgerEntryIn

    return LedgerEntryIn(**kwargs)


def _right_for(caller: Caller, register: Register, fields: Sequence[str]) -> str:
    """The ledger action this caller's read is ("read" or "disclose"), or Refused."""
    if caller.keeps(register):
        return "read"
    if caller.organisation is not None and caller.organisation.pk == register.organisation_id:
        # Staff of the owning organisation without the keeper role.
        raise Refused(_("Only the register keeper reads personal records."))
    if _exchange_grant_allows(caller=caller, register=register, fields=fields):
        return "disclose"
    raise Refused(_("No grant allows your organisation to read this register."))


def register_access_check(
    *, register: Register, caller: Caller, fields: Sequence[str] = ()
) -> None:
    """Refuse a search of a personal register to a caller who could read none of its records.

    Why before searching: even "no match" or a count says something about a person.
    """
    if register.holds_personal_data:
        _right_for(caller, register, sorted(fields) or register.personal_fields)


def records_read_for(
    *,
    records: Iterable[Record],
    caller: Caller,
    action: str | None = None,
    versions: dict[Any, RecordVersion] | None = None,
    only: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """The values of `records` for `caller`: checks the right, writes one ledger entry each.

    `versions` (record id -> RecordVersion) reads an older version instead (as-of reads).
    `only` narrows the answer (and the ledger entry) to those fields: ask for what you need.
    A register without personal data needs no right beyond the API's scope and no entry.
    Every right is checked before anything is written, and the entries of all records go to
    the ledger in one statement; if it cannot write, `Unavailable` propagates and nothing is
    returned. Inside a caller's transaction the read is a savepoint, so a caller that goes on
    after a refusal or a 503 can. One person's records across registers, read with their
    entries in one statement: `subject_records_read_for`.
    """
    with transaction.atomic():
        return _records_read(records, caller, action, versions, only)


def _records_read(
    records: Iterable[Record],
    caller: Caller,
    action: str | None,
    versions: dict[Any, RecordVersion] | None,
    only: Sequence[str] | None,
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    entries: list[Any] = []
    for record in records:
        register = record.register
        source: Record | RecordVersion = (versions or {}).get(record.pk, record)
        data = merged(source)
        if only is not None:
            data = {k: v for k, v in data.items() if k in only}
        if register.holds_personal_data:
            fields = sorted(f for f in register.personal_fields if f in data)
            right = _right_for(caller, register, fields)
            entries.append(
                _ledger_entry(
                    subject_id=record.subject_id or str(record.pk),
                    actor_org=caller.org_code,
                    actor_user=caller.user_id,
                    action=action or right,
                    purpose=caller.purpose,
                    legal_basis=caller.legal_basis or f"register:{register.code}",
                    fields=fields,
                )
            )
        out.append(data)
    if entries:
        _ledger_append_many()(entries=entries)
    return out


def record_read_for(
    *,
    record: Record,
    caller: Caller,
    action: str | None = None,
    only: Sequence[str] | None = None,
) -> dict[str, Any]:
    return records_read_for(records=[record], caller=caller, action=action, only=only)[0]


def record_version_at(*, record: Record, at: dt.datetime) -> RecordVersion:
    """The version valid at `at`; NotFound before the record existed or after deletion."""
    version = (
        RecordVersion.objects.filter(record=record, valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
        .exclude(operation=RecordVersion.Operation.DELETE)
        .order_by("-version")
        .first()
    )
    if version is None:
        raise NotFound(_("The record had no version at that moment."))
    return version


def record_read_as_of(*, record: Record, at: dt.datetime, caller: Caller) -> dict[str, Any]:
    version = record_version_at(record=record, at=at)
    return records_read_for(records=[record], caller=caller, versions={record.pk: version})[0]


def record_history(*, record: Record, caller: Caller) -> list[RecordVersion]:
    """Versions with who/why; only the keeper sees a record's history."""
    if not caller.keeps(record.register):
        raise Refused(_("Only the register keeper sees a record's history."))
    return list(record.versions.order_by("version"))


ADDRESS_FIELDS = ("street", "house_number", "postcode", "town", "municipality")


def current_address(*, person_id: Any, caller: Caller) -> dict[str, Any] | None:
    """The person's current address from the population register, read through the ledger."""
    try:
        register = register_get(code="population")
    except NotFound:
        return None
    record = (
        Record.objects.select_related("register", "register__organisation")
        .filter(register=register, subject_id=str(person_id), deleted_at__isnull=True)
        .first()
    )
    if record is None:
        return None
    address = record_read_for(record=record, caller=caller, only=ADDRESS_FIELDS)
    return address or None


def corrections_open(*, register: Register) -> QuerySet[CorrectionRequest]:
    """The keeper's task list: open correction requests of one register, oldest first."""
    return CorrectionRequest.objects.filter(
        record__register=register, status=CorrectionRequest.Status.OPEN
    ).order_by("created_at")


def correction_get(*, register: Register, correction_id: Any) -> CorrectionRequest:
    try:
        return CorrectionRequest.objects.select_related(
            "record", "record__register", "record__register__organisation"
        ).get(pk=uuid.UUID(str(correction_id)), record__register=register)
    except (CorrectionRequest.DoesNotExist, ValueError):
        raise NotFound(_("No such correction request.")) from None


def records_about(*, person_id: Any) -> QuerySet[Record]:
    """Records whose subject is this person (for their own overview: no values, no ledger)."""
    return (
        Record.objects.select_related("register", "register__organisation")
        .filter(
            subject_id=str(person_id),
            deleted_at__isnull=True,
            register__subject_kind=Register.SubjectKind.PERSON,
        )
        .order_by("register__code", "created_at")
    )
