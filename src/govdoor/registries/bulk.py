"""Bulk writes: upsert with a per-row report, and a fast create-only load.

Why all-or-nothing by default: a register fed half a file is worse than one fed none, and
the keeper must see every bad row at once, not the first. With `partial=True` good rows land
and bad rows are reported; no row is ever dropped silently.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.crypto import blind_index, encrypt
from govdoor.core.events import events_publish
from govdoor.core.ids import uuid7
from govdoor.registries.fastcheck import compile_fast
from govdoor.registries.models import Record, RecordIndex, RecordVersion, Register
from govdoor.registries.schema import SchemaViolation, merged, record_errors
from govdoor.registries.selectors import Caller, blind_purpose, records_search
from govdoor.registries.services import _create, _update, require_keeper

Op = RecordVersion.Operation


@dataclass
class BulkReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    applied: bool = False
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "applied": self.applied,
            "dry_run": self.dry_run,
        }


def existing_by_key(register: Register, rows: Sequence[dict[str, Any]]) -> dict[str, Record]:
    """Current records per key value (one query per 500 keys)."""
    key = register.key_field
    if not key:
        return {}
    values = sorted({str(r[key]) for r in rows if r.get(key) not in (None, "")})
    found: dict[str, Record] = {}
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        if key == register.subject_field:
            subject_qs = Record.objects.select_related("register").filter(
                register=register, deleted_at__isnull=True, subject_id__in=chunk
            )
            found.update({record.subject_id: record for record in subject_qs})
        elif key in register.personal_fields:
            digests = {blind_index(v, purpose=blind_purpose(register, key)): v for v in chunk}
            index = RecordIndex.objects.filter(
                register=register,
                field=key,
                digest__in=list(digests),
                record__deleted_at__isnull=True,
            )
            ids = {row.record_id: digests[row.digest] for row in index}
            for record in Record.objects.select_related("register").filter(pk__in=list(ids)):
                found[ids[record.pk]] = record
        else:
            qs = Record.objects.select_related("register").filter(
                register=register, deleted_at__isnull=True, **{f"data__{key}__in": chunk}
            )
            for record in qs:
                found[str(record.data.get(key))] = record
    return found


def _row_errors(
    register: Register, rows: Sequence[dict[str, Any]], row_numbers: Sequence[int]
) -> dict[int, list[dict[str, str]]]:
    bad: dict[int, list[dict[str, str]]] = {}
    seen: dict[str, int] = {}
    key = register.key_field
    for index, row in enumerate(rows):
        errors = record_errors(register.json_schema, row)
        if key and isinstance(row, dict) and row.get(key) not in (None, ""):
            value = str(row[key])
            if value in seen:
                errors.append(
                    {
                        "field": f"/{key}",
                        "detail": _("duplicate of row %(n)d") % {"n": row_numbers[seen[value]]},
                    }
                )
            seen.setdefault(value, index)
        if errors:
            bad[index] = errors
    return bad


@transaction.atomic
def records_bulk_upsert(
    *,
    register: Register,
    rows: Sequence[dict[str, Any]],
    actor: Caller,
    partial: bool = False,
    dry_run: bool = False,
    reason: str = "",
    row_numbers: Sequence[int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> BulkReport:
    """Create or update by the register's key field; every bad row is in `errors`."""
    require_keeper(actor, register)
    numbers = list(row_numbers) if row_numbers is not None else list(range(1, len(rows) + 1))
    report = BulkReport(total=len(rows), dry_run=dry_run)
    bad = _row_errors(register, rows, numbers)
    report.errors = [{"row": numbers[i], "errors": errs} for i, errs in sorted(bad.items())]
    if (bad and not partial) or not rows:
        return report
    good = [(i, row) for i, row in enumerate(rows) if i not in bad]
    existing = existing_by_key(register, [row for _, row in good])
    op = Op.IMPORT if reason.startswith("import") else Op.UPDATE
    for done, (_i, row) in enumerate(good, start=1):
        key_value = str(row.get(register.key_field, "")) if register.key_field else ""
        record = existing.get(key_value) if key_value else None
        if record is None:
            report.created += 1
            if not dry_run:
                _create(
                    register,
                    row,
                    actor,
                    reason=reason,
                    operation=op if op == Op.IMPORT else Op.CREATE,
                )
        elif merged(record) == row:
            report.unchanged += 1
        else:
            report.updated += 1
            if not dry_run:
                _update(
                    record, row, actor, expected_version=record.version, reason=reason, operation=op
                )
        if progress is not None:
            progress(done)
    report.applied = not dry_run
    return report


# --- fast load of new records (demo data, migrations from legacy systems, benchmark) ------


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_cell(value: Any) -> str:
    """One value in COPY's text format (None is \\N); faster than per-row adaptation."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_COPY_ESCAPES)
        return value
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            buffer: list[str] = []
            for row in rows:
                buffer.append("\t".join(map(_copy_cell, row)) + "\n")
                if len(buffer) >= 5000:
                    copy.write("".join(buffer))
                    buffer.clear()
            if buffer:
                copy.write("".join(buffer))


@transaction.atomic
def records_bulk_load(
    *,
    register: Register,
    rows: Sequence[dict[str, Any]],
    actor: Caller,
    reason: str = "load",
) -> int:
    """Create many new records at once: COPY on PostgreSQL, bulk INSERT elsewhere.

    Every row is still validated (a bad row refuses the whole load, naming the row and its
    fields: use `records_bulk_upsert` for a report of every row), sealed and blind-indexed.
    One summary event (`registers.records_loaded`) is published instead of one per record.
    """
    require_keeper(actor, register)
    fast = compile_fast(register.json_schema)  # once, not per row
    for number, row in enumerate(rows, start=1):
        if fast is not None and fast(row):
            continue
        errors = record_errors(register.json_schema, row)
        if errors:
            raise SchemaViolation(
                _("Row %(n)d breaks the schema; nothing was loaded.") % {"n": number},
                errors=[
                    {"field": f"/rows/{number}{e['field']}", "detail": e["detail"]} for e in errors
                ],
            )
    now = clock.now()
    rec_ctx, ver_ctx = "registries.record.personal", "registries.recordversion.personal"
    records: list[tuple[Any, ...]] = []
    versions: list[tuple[Any, ...]] = []
    indexes: list[tuple[Any, ...]] = []
    purposes = {name: blind_purpose(register, name) for name in register.indexed_fields}
    subject = register.subject_field
    personal_names = set(register.personal_fields)
    changed_cache: dict[tuple[str, ...], str] = {}
    meta = (now, actor.org_code, actor.user_id or "", reason)
    for row in rows:
        rid = uuid7()
        plain = json.dumps(
            {k: v for k, v in row.items() if k not in personal_names},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        personal = {k: v for k, v in row.items() if k in personal_names}
        sealed = json.dumps(personal, sort_keys=True, separators=(",", ":")) if personal else ""
        rec_env = encrypt(sealed, context=rec_ctx) if sealed else ""
        ver_env = encrypt(sealed, context=ver_ctx) if sealed else ""
        keys = tuple(sorted(row))
        changed = changed_cache.get(keys)
        if changed is None:
            changed = changed_cache[keys] = json.dumps(list(keys))
        subject_id = str(row.get(subject, "")) if subject else ""
        records.append((rid, register.pk, 1, plain, rec_env, subject_id, now, now))
        versions.append((rid, 1, Op.IMPORT, plain, ver_env, changed, *meta))
        for name, purpose in purposes.items():
            value = row.get(name)
            if value not in (None, ""):
                indexes.append((register.pk, rid, name, blind_index(str(value), purpose=purpose)))
    if connection.vendor == "postgresql":
        _load_copy(records, versions, indexes)
    else:
        _load_orm(records, versions, indexes)
    events_publish(
        topic="registers.records_loaded",
        payloads=[
            {"register": register.code, "register_version": register.version, "count": len(rows)}
        ],
    )
    return len(rows)


RECORD_COLUMNS = [
    "id",
    "register_id",
    "version",
    "data",
    "personal",
    "subject_id",
    "created_at",
    "updated_at",
]
VERSION_COLUMNS = [
    "record_id",
    "version",
    "operation",
    "data",
    "personal",
    "changed_fields",
    "valid_from",
    "changed_by_org",
    "changed_by_user",
    "reason",
]
INDEX_COLUMNS = ["register_id", "record_id", "field", "digest"]


def _load_copy(
    records: list[tuple[Any, ...]], versions: list[tuple[Any, ...]], indexes: list[tuple[Any, ...]]
) -> None:
    copy_rows("registries_record", RECORD_COLUMNS, records)
    copy_rows("registries_recordversion", VERSION_COLUMNS, versions)
    copy_rows("registries_recordindex", INDEX_COLUMNS, indexes)


def _load_orm(
    records: list[tuple[Any, ...]], versions: list[tuple[Any, ...]], indexes: list[tuple[Any, ...]]
) -> None:
    """Plain INSERTs with already sealed values (the model field would seal them again)."""
    when = connection.ops.adapt_datetimefield_value

    def sql(table: str, columns: list[str]) -> str:
        marks = ", ".join(["%s"] * len(columns))
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"

    with connection.cursor() as cursor:
        cursor.executemany(
            sql("registries_record", RECORD_COLUMNS),
            [(r[0].hex, r[1].hex, r[2], r[3], r[4], r[5], when(r[6]), when(r[7])) for r in records],
        )
        cursor.executemany(
            sql("registries_recordversion", VERSION_COLUMNS),
            [(v[0].hex, *v[1:6], when(v[6]), *v[7:]) for v in versions],
        )
        cursor.executemany(
            sql("registries_recordindex", INDEX_COLUMNS),
            [(i[0].hex, i[1].hex, i[2], i[3]) for i in indexes],
        )


__all__ = ["BulkReport", "records_bulk_load", "records_bulk_upsert", "records_search"]
