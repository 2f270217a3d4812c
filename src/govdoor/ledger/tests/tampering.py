"""Bypassing the append-only triggers on purpose, to prove the verifier notices tampering."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection

SQLITE_TRIGGERS = {
    "ledger_node": ["ledger_node_no_update", "ledger_node_no_delete"],
    "ledger_checkpoint": ["ledger_checkpoint_no_update", "ledger_checkpoint_no_delete"],
    "ledger_entry": ["ledger_entry_no_delete", "ledger_entry_only_erasure"],
    "ledger_span": ["ledger_span_no_update", "ledger_span_no_delete"],
}


@contextlib.contextmanager
def triggers_off(table: str) -> Iterator[None]:
    """The table's append-only triggers off for the block, then on again (also outside a
    test's transaction: a live-server test's writes commit). SQLite: the triggers dropped and
    re-created from their own SQL; PostgreSQL: the table's user triggers disabled. Not
    pgtrigger.ignore: it prefixes every statement with a SET, and a statement bound on the
    server (our PostgreSQL setting) holds one command only."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            names = SQLITE_TRIGGERS[table]
            marks = ", ".join(["%s"] * len(names))
            cursor.execute(
                f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
                names,
            )
            definitions = [sql for (sql,) in cursor.fetchall()]
            for name in names:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for sql in definitions:
                    cursor.execute(sql)
    else:
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
