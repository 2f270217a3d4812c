"""Bypassing the append-only triggers on purpose, to prove the verifier notices tampering."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection

SQLITE_TRIGGERS = {
    "ledger_node": ["ledger_node_no_update", "ledger_node_no_delete"],
    "ledger_checkpoint": ["ledger_checkpoint_no_update", "ledger_checkpoint_no_delete"],
    "ledger_entry": ["ledger_entry_no_delete", "ledger_entry_no_update"],
    "ledger_span": ["ledger_span_no_update", "ledger_span_no_delete"],
}


@contextlib.contextmanager
def triggers_off(table: str) -> Iterator[None]:
    """SQLite: drop the table's triggers (the test's transaction rolls the drop back);
    PostgreSQL: the table's user triggers disabled for the block. Not pgtrigger.ignore: it
    prefixes every statement with a SET, and a statement bound on the server (our
    PostgreSQL setting) holds one command only."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for name in SQLITE_TRIGGERS[table]:
                cursor.execute(f'DROP TRIGGER "{name}"')
        yield
    else:
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
