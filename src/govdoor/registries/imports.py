"""Feeding a register from a file or a remote system, with a dry run and a per-row report."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from django.db import transaction

from govdoor.core import clock
from govdoor.registries.adapters import adapters
from govdoor.registries.adapters.files import source_for
from govdoor.registries.bulk import BulkReport, records_bulk_upsert
from govdoor.registries.models import ImportRun, Register
from govdoor.registries.selectors import Caller


def _run(
    register: Register,
    source: Any,
    *,
    actor: Caller,
    dry_run: bool,
    partial: bool,
    reason: str,
    progress: Callable[[int], None] | None,
) -> BulkReport:
    numbered = list(source.rows())
    return records_bulk_upsert(
        register=register,
        rows=[row for _, row in numbered],
        row_numbers=[n for n, _ in numbered],
        actor=actor,
        partial=partial,
        dry_run=dry_run,
        reason=reason,
        progress=progress,
    )


@transaction.atomic
def register_import(
    *,
    register: Register,
    filename: str,
    stream: IO[Any],
    actor: Caller,
    dry_run: bool = True,
    partial: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportRun:
    """Import a CSV/XLSX file; the ImportRun keeps counts and every bad row for the keeper."""
    source = source_for(filename, stream, register.json_schema)
    report = _run(
        register,
        source,
        actor=actor,
        dry_run=dry_run,
        partial=partial,
        reason=f"import {filename}"[:500],
        progress=progress,
    )
    return ImportRun.objects.create(
        register=register,
        filename=filename[:255],
        dry_run=dry_run,
        partial=partial,
        total=report.total,
        created=report.created,
        updated=report.updated,
        errors=report.errors,
        applied=report.applied,
        started_by=actor.user_id or actor.org_code,
        started_at=clock.now(),
    )


@transaction.atomic
def register_remote_sync(
    *, register: Register, actor: Caller, dry_run: bool = False, partial: bool = True
) -> BulkReport:
    """Pull every record from the register's legacy system (adapter "remote") and upsert."""
    source = adapters.get("remote")(register.adapter_config)
    return _run(
        register,
        source,
        actor=actor,
        dry_run=dry_run,
        partial=partial,
        reason="import remote",
        progress=None,
    )
