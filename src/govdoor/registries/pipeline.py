"""Loading a whole register batch after batch, the next batch prepared while this one is
written.

Why: a batch's load is two halves that take turns on a 2-core machine. Python validates and
seals the rows (AES-GCM twice, a blind index, JSON), then PostgreSQL writes the record,
version and blind-index rows; while the database works through the version and index COPYs
the loader only waits. Here a background thread validates and prepares batch k+1 (pure
Python, no database) while the main thread writes batch k: psycopg releases the GIL while
it waits for the server, so the two halves overlap. Each batch is still exactly what
`records_bulk_load` does with it, in its own transaction: validated (every bad row
reported), key-checked against the register, sealed, versioned, one summary event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import translation

from govdoor.registries.loading import (
    _Prepared,
    keys_check,
    record_lines,
    records_bulk_load,
    records_loaded_announce,
    rows_check,
    statistics_refresh_after,
    tables_copy,
    uuid7_hex_batch,
)
from govdoor.registries.models import Register
from govdoor.registries.selectors import Caller
from govdoor.registries.services import require_keeper


@dataclass
class _Ready:
    """One batch, validated and prepared: its COPY lines for the three tables."""

    rows: Sequence[dict[str, Any]]
    records: list[str]
    versions: list[str]
    indexes: list[str]


def _ready(
    register: Register, rows: Sequence[dict[str, Any]], actor: Caller, reason: str, language: str
) -> _Ready:
    """Runs in the preparing thread: no database access here, only Python."""
    with translation.override(language):  # the caller's language for the error report
        rows_check(register, rows)
    prepared = _Prepared(register, actor, reason, len(rows))
    ids = uuid7_hex_batch(len(rows))
    versions: list[str] = []
    indexes: list[str] = []
    records = list(record_lines(register, rows, ids, prepared, versions, indexes))
    return _Ready(rows=rows, records=records, versions=versions, indexes=indexes)


@transaction.atomic
def _write(register: Register, ready: _Ready) -> int:
    keys_check(register, ready.rows)
    tables_copy(ready.records, ready.versions, ready.indexes)
    records_loaded_announce(register, len(ready.rows))
    return len(ready.rows)


def records_bulk_load_batches(
    *,
    register: Register,
    batches: Iterable[Sequence[dict[str, Any]]],
    actor: Caller,
    reason: str = "load",
) -> int:
    """Load `batches` in order, each as `records_bulk_load` loads it and in its own
    transaction; how many records. The first batch refused (a bad row, a repeated key)
    raises its error; the batches before it stay loaded, nothing of it or after it is. An
    empty batch loads nothing and announces nothing. Off PostgreSQL (the embedded demo) the
    batches are simply loaded one by one."""
    require_keeper(actor, register)
    if connection.vendor != "postgresql":
        return sum(
            records_bulk_load(register=register, rows=rows, actor=actor, reason=reason)
            for rows in batches
            if rows
        )
    language = translation.get_language() or "en"
    total = 0
    iterator = iter(batches)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="govdoor-load") as pool:

        def submit() -> Future[_Ready] | None:
            rows = next(iterator, None)
            if rows is None:
                return None
            return pool.submit(_ready, register, rows, actor, reason, language)

        pending = submit()
        analysed = False
        while pending is not None:
            ready = pending.result()
            pending = submit()  # prepared while this batch is written
            if ready.rows:
                total += _write(register, ready)
                # Once is enough: the planner scales what it samples to the table's size as
                # it grows; it needs the shape (one key per record), not the count.
                analysed = analysed or statistics_refresh_after(total)
    return total
