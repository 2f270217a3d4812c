"""Bulk writes: upsert with a per-row report, and a fast create-only load.

Why all-or-nothing by default: a register fed half a file is worse than one fed none, and
the keeper must see every bad row at once, not the first. With `partial=True` good rows land
and bad rows are reported; no row is ever dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govdoor.core.crypto import blind_index
from govdoor.registries.loading import copy_rows, records_bulk_load, statistics_refresh_after
from govdoor.registries.models import Record, RecordIndex, RecordVersion, Register
from govdoor.registries.schema import merged, record_errors
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
    if report.applied:
        statistics_refresh_after(report.created + report.updated)
    return report


__all__ = ["BulkReport", "copy_rows", "records_bulk_load", "records_bulk_upsert", "records_search"]
