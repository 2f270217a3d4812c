"""Bypassing the append-only triggers on purpose, to prove the verifier notices tampering."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pgtrigger
from django.db import connection

SQLITE_TRIGGERS = {
    "ledger_node": ["ledger_node_no_update", "ledger_node_no_delete"],
    "ledger_checkpoint": ["ledger_checkpoint_no_update", "ledger_checkpoint_no_delete"],
    "ledger_entry": ["ledger_entry_no_delete", "ledger_entry_no_update"],
    "ledger_span": ["ledger_span_no_update", "ledger_span_no_delete"],
}
PG_TRIGGERS = {
    "ledger_node": ["ledger.Node:ledger_node_append_only"],
    "ledger_checkpoint": ["ledger.Checkpoint:ledger_checkpoint_append_only"],
    "ledger_entry": [
        "ledger.Entry:ledger_entry_no_delete",
        "ledger.Entry:ledger_entry_no_update",
    ],
    "ledger_span": ["ledger.Span:ledger_span_append_only"],
}


@contextlib.contextmanager
def triggers_off(table: str) -> Iterator[None]:
    """SQLite: drop the table's triggers (the test's transaction rolls the drop back);
    PostgreSQL: pgtrigger.ignore for the block."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for name in SQLITE_TRIGGERS[table]:
                cursor.execute(f'DROP TRIGGER "{name}"')
        yield
    else:
        with pgtrigger.ignore(*PG_TRIGGERS[table]):
            yield
