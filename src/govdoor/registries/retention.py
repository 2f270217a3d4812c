"""Retention: what a register no longer needs is erased, in batches, ledgered and announced.

When a register's retention (`Register.retention_days`) ends, and why from that moment:

- a deleted record: `retention_days` after its deletion (`deleted_at`). A current record is
  still needed for the register's purpose however old it is (a person's address of twenty
  years is still their address), so its age alone never ends its retention; its deletion
  ends its use, and retention is how long the register must still be able to answer for it
  (history, corrections, disputes). The record goes with every version and index row.
- a superseded version of any record: `retention_days` after it stopped being valid
  (`valid_to`). The current version is never purged; as-of reads before the oldest kept
  version then answer "no version at that moment".

A register without `retention_days` keeps everything. Each batch is one transaction: the
rows are locked (skipped if another purge holds them), deleted, one ledger entry with action
"erase" is written per record holding personal data (specs/ledger.md: the person sees that
their data was erased, by whom and under which rule), and one event (ids only) is published.
Running it again finds nothing left to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from govdoor.core import clock
from govdoor.core.events import event_publish
from govdoor.registries.models import (
    CorrectionRequest,
    Record,
    RecordIndex,
    RecordVersion,
    Register,
)
from govdoor.registries.schema import merged

PURPOSE = "retention"


@dataclass
class PurgeReport:
    registers: int = 0
    records: int = 0
    versions: int = 0
    ledger_entries: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "registers": self.registers,
            "records": self.records,
            "versions": self.versions,
            "ledger_entries": self.ledger_entries,
            "dry_run": self.dry_run,
        }


def retention_cutoff(register: Register) -> dt.datetime | None:
    """Rows that ended at or before this moment are past retention (None: kept forever)."""
    if register.retention_days is None:
        return None
    return clock.now() - dt.timedelta(days=register.retention_days)


def _erased_subjects(register: Register, versions: Iterable[RecordVersion]) -> set[str]:
    """Whose personal data these versions held: the subject of each version (a vehicle's
    earlier owner is not its current one), or the record's id when the register names none."""
    subjects: set[str] = set()
    for version in versions:
        if version.operation == RecordVersion.Operation.DELETE:
            continue  # the deletion marker holds no data
        value = merged(version).get(register.subject_field) if register.subject_field else None
        subjects.add(str(value) if value not in (None, "") else str(version.record_id))
    return subjects


def _ledger_erase(register: Register, versions: Iterable[RecordVersion]) -> int:
    """One "erase" entry per subject whose data went (fields: the register's personal ones)."""
    if not register.holds_personal_data:
        return 0
    subjects = sorted(_erased_subjects(register, versions))
    from govdoor.ledger.services import LedgerEntryIn, ledger_append_many

    fields = sorted(register.personal_fields)
    return ledger_append_many(
        entries=[
            LedgerEntryIn(
                subject_id=subject,
                actor_org=register.organisation.code,
                actor_user=None,
                action="erase",
                purpose=PURPOSE,
                legal_basis=f"register:{register.code}:retention:{register.retention_days}d",
                fields=fields,
            )
            for subject in subjects
        ]
    )


def _versions(**filters: Any) -> list[RecordVersion]:
    fields = ("record_id", "operation", "data", "personal")
    return list(RecordVersion.objects.filter(**filters).only(*fields))


def _announce(register: Register, topic: str, record_ids: list[str], count: int) -> None:
    event_publish(
        topic=f"registers.{topic}",
        payload={
            "register": register.code,
            "register_version": register.version,
            "record_ids": record_ids,
            "count": count,
        },
    )


@transaction.atomic
def _deleted_records_batch(register: Register, cutoff: dt.datetime, size: int) -> tuple[int, int]:
    """Purge up to `size` records deleted at or before `cutoff`: (records, ledger entries)."""
    ids = list(
        Record.objects.select_for_update(skip_locked=True)
        .filter(register=register, deleted_at__lte=cutoff)
        .order_by("deleted_at", "id")
        .values_list("pk", flat=True)[:size]
    )
    if not ids:
        return 0, 0
    entries = _ledger_erase(register, _versions(record_id__in=ids))
    RecordIndex.objects.filter(record_id__in=ids).delete()
    CorrectionRequest.objects.filter(record_id__in=ids).delete()
    RecordVersion.objects.filter(record_id__in=ids).delete()
    Record.objects.filter(pk__in=ids).delete()
    _announce(register, "records_purged", [str(pk) for pk in ids], len(ids))
    return len(ids), entries


@transaction.atomic
def _superseded_versions_batch(
    register: Register, cutoff: dt.datetime, size: int, after: int
) -> tuple[int, int, int]:
    """Purge up to `size` versions (id > `after`) that ended at or before `cutoff`.

    Returns (versions, ledger entries, the last id looked at: the next batch starts there).
    """
    ids = list(
        _superseded(register, cutoff)
        .select_for_update(skip_locked=True, of=("self",))
        .filter(pk__gt=after)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    if not ids:
        return 0, 0, after
    versions = _versions(pk__in=ids)
    entries = _ledger_erase(register, versions)
    RecordVersion.objects.filter(pk__in=ids).delete()
    records = sorted({str(version.record_id) for version in versions})
    _announce(register, "versions_purged", records, len(ids))
    return len(ids), entries, ids[-1]


def _superseded(register: Register, cutoff: dt.datetime) -> QuerySet[RecordVersion]:
    """Versions that ended by `cutoff`, of records not themselves due (those go whole)."""
    return RecordVersion.objects.filter(record__register=register, valid_to__lte=cutoff).filter(
        Q(record__deleted_at__isnull=True) | Q(record__deleted_at__gt=cutoff)
    )


def _count(register: Register, cutoff: dt.datetime) -> tuple[int, int]:
    records = Record.objects.filter(register=register, deleted_at__lte=cutoff).count()
    versions = _superseded(register, cutoff).count()
    return records, versions


def records_purge(
    *,
    register: Register | None = None,
    batch_size: int = 500,
    dry_run: bool = False,
    progress: Callable[[Register, PurgeReport], None] | None = None,
) -> PurgeReport:
    """Erase, register by register, what is past retention (see the module's docstring).

    `dry_run` counts without erasing. Idempotent: a second run finds nothing to do.
    """
    report = PurgeReport(dry_run=dry_run)
    registers = Register.objects.select_related("organisation").filter(retention_days__isnull=False)
    if register is not None:
        registers = registers.filter(pk=register.pk)
    for current in registers.order_by("code", "version"):
        cutoff = retention_cutoff(current)
        if cutoff is None:
            continue
        report.registers += 1
        if dry_run:
            records, versions = _count(current, cutoff)
            report.records += records
            report.versions += versions
            continue
        while True:
            records, entries = _deleted_records_batch(current, cutoff, batch_size)
            report.records += records
            report.ledger_entries += entries
            if records < batch_size:
                break
        after = 0
        while True:
            versions, entries, after = _superseded_versions_batch(
                current, cutoff, batch_size, after
            )
            report.versions += versions
            report.ledger_entries += entries
            if versions < batch_size:
                break
        if progress is not None:
            progress(current, report)
    return report
