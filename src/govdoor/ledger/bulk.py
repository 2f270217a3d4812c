"""Writing queued ledger rows (Entry + Record) in as few round trips as the database allows.

Why three ways: one data request appends a handful of entries and wants one statement (on
PostgreSQL a data-modifying CTE inserts the entries and their records together); a
population scan appends a million and wants COPY (ids reserved from the entry sequence in one
query, then two COPY streams); SQLite, the embedded demo, has neither and uses two bulk
INSERTs with RETURNING. An access may hand over rows of its own (the exchange's request
record) to be written with its entries: on PostgreSQL they are further inserts in the same
statement, otherwise plain inserts right after, in the same transaction. Every entry carries
its transaction's id (`xid`), which the sequencer's queue cursor needs (see
services.ledger_sequence). The sequencer's own writes, the nodes and spans, go through the
same COPY helper. All run in the caller's transaction; a failure raises DatabaseError and the
caller's transaction rolls back.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

from govdoor.core import fastsql
from govdoor.ledger.models import Entry, Node, Record, Span
from govdoor.ledger.rows import Row

COPY_FROM = 64  # below this many rows, one INSERT statement (one round trip); from it on, COPY


@functools.cache  # per row count (below COPY_FROM), companion shapes and read (a few each)
def _cte_sql(
    rows: int, companions: tuple[str, ...] = (), read: tuple[str, str] | None = None
) -> str:
    """One statement for `rows` entries and their records, and the companion INSERTs. The
    rows come as a VALUES list: PostgreSQL plans it in half the time it takes to parse the
    same rows sent as bytea and text arrays through unnest (measured: 0.56 against 0.89 ms
    for three entries). A data-modifying WITH query runs to completion whether or not the
    main query reads it, so the companions need no RETURNING.

    With `read` (the access's SELECT and the quoted name of one of its columns) the SELECT
    comes first ("r"), each row carries a key ("k"), only the rows whose key the read's rows
    hold are written, and the statement answers the read's rows, each with the counts of
    entries and records written. In autocommit it is a transaction of its own: the read and
    its entries commit together without a BEGIN and a COMMIT round trip."""
    key = ', "k"' if read else ""
    found = f' WHERE EXISTS (SELECT 1 FROM "r" WHERE "r".{read[1]} = "v"."k")' if read else ""
    answer = (
        ' SELECT "r".*, (SELECT count(*) FROM "e"), (SELECT count(*) FROM "w") FROM "r"'
        if read
        else ' SELECT "e"."id", "e"."leaf_hash", (SELECT count(*) FROM "w") FROM "e"'
    )
    return (
        (f'WITH "r" AS ({read[0]}), ' if read else "WITH ")
        + f'"v"("h", "s", "b", "n"{key}) AS (VALUES '
        + ", ".join([f"(%s::bytea, %s, %s, %s{', %s' if read else ''})"] * rows)
        + '), "e" AS ('
        ' INSERT INTO "ledger_entry" ("leaf_hash", "queued_at", "xid")'
        f' SELECT "v"."h", %s, pg_current_xact_id()::text::bigint FROM "v"{found}'
        ' ORDER BY "v"."n" RETURNING "id", "leaf_hash"),'
        ' "w" AS ('
        ' INSERT INTO "ledger_record" ("entry_id", "subject_ref", "body")'
        ' SELECT "e"."id", "v"."s", "v"."b" FROM "e" JOIN "v" ON "v"."h" = "e"."leaf_hash"'
        ' RETURNING "entry_id")'
        + "".join(f', "c{n}" AS ({sql})' for n, sql in enumerate(companions))
        + answer
    )


def _cte_params(
    head: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    queued_at: dt.datetime,
    inserts: Sequence[tuple[str, list[Any]]],
) -> list[Any]:
    """The parameters of `_cte_sql`, in its order: the read's, each row's values and number,
    the queue time, the companions'."""
    params: list[Any] = list(head)
    for n, row in enumerate(rows):
        params.extend((*row[:3], n, *row[3:]))
    params.append(queued_at)
    for _sql, values in inserts:
        params.extend(values)
    return params


def read_insert(
    read: tuple[str, Sequence[Any]],
    *,
    key: tuple[str, int],
    rows: Sequence[tuple[Any, Row]],
    queued_at: dt.datetime,
    companions: Sequence[models.Model] = (),
) -> tuple[list[tuple[Any, ...]], int]:
    """PostgreSQL only: run `read` (SQL, parameters) and, in the same statement, insert the
    candidate `rows` (key, row) whose key the read's rows hold in column `key` (quoted name,
    index), and the companions; the read's rows and how many entries were written. A
    mismatch of entries and records (two equal leaf hashes: a broken random source) raises
    RuntimeError, so nothing read is disclosed."""
    if not rows:
        raise ValueError("a read with its entries needs at least one candidate entry")
    sql, read_params = read
    inserts = [fastsql.insert_statement(instance) for instance in companions]
    params = _cte_params(read_params, [(*row, k) for k, row in rows], queued_at, inserts)
    statement = _cte_sql(len(rows), tuple(sql for sql, _values in inserts), (sql, key[0]))
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        result = cursor.fetchall()
    written = len({r[key[1]] for r in result} & {candidate for candidate, _row in rows})
    if any(r[-2] != written or r[-1] != written for r in result):
        raise RuntimeError("ledger rows and their entries do not match one to one")
    for instance in companions:
        fastsql.inserted(instance)
    return [r[:-2] for r in result], written


def rows_insert(
    rows: Sequence[Row], *, queued_at: dt.datetime, companions: Sequence[models.Model] = ()
) -> list[int]:
    """Insert the rows as queued entries with their records, and the companion instances
    (new, primary key set: see `fastsql.insert_statement`); the entry ids, in order. A
    companion without its key is refused (ValueError) before anything is written."""
    inserts = [fastsql.insert_statement(instance) for instance in companions]
    if rows and connection.vendor == "postgresql" and len(rows) < COPY_FROM:
        ids = _insert_cte(rows, queued_at, inserts)
    else:
        ids = []
        if rows:
            insert = _insert_copy if connection.vendor == "postgresql" else _insert_orm
            ids = insert(rows, queued_at)
        if inserts:
            with connection.cursor() as cursor:
                for sql, params in inserts:
                    cursor.execute(sql, params)
    for instance in companions:
        fastsql.inserted(instance)
    return ids


def _insert_cte(
    rows: Sequence[Row], queued_at: dt.datetime, inserts: Sequence[tuple[str, list[Any]]] = ()
) -> list[int]:
    hashes = [r[0] for r in rows]
    params = _cte_params((), rows, queued_at, inserts)
    with connection.cursor() as cursor:
        cursor.execute(_cte_sql(len(rows), tuple(sql for sql, _values in inserts)), params)
        result = cursor.fetchall()
    found = {bytes(h): int(i) for i, h, _n in result}
    if len(found) != len(rows) or any(n != len(rows) for _i, _h, n in result):
        # Two equal leaf hashes in one batch would need equal salts: a broken random source.
        raise RuntimeError("ledger rows and their entries do not match one to one")
    return [found[h] for h in hashes]


# Binary COPY: the server parses no text (hex bytea, ISO timestamps) and nothing needs
# escaping. Its rows must carry each column's exact type, so the types are named here beside
# the column lists (held to the tables by the PostgreSQL suite: a mismatch fails the COPY).
_ENTRY_COPY = (
    'COPY "ledger_entry" ("id", "leaf_hash", "queued_at", "xid") FROM STDIN (FORMAT BINARY)',
    ("int8", "bytea", "timestamptz", "int8"),
)
_RECORD_COPY = (
    'COPY "ledger_record" ("entry_id", "subject_ref", "body") FROM STDIN (FORMAT BINARY)',
    ("int8", "varchar", "text"),
)
_NODE_COPY = (
    'COPY "ledger_node" ("level", "position", "hash") FROM STDIN (FORMAT BINARY)',
    ("int2", "int8", "bytea"),
)
_SPAN_COPY = (
    'COPY "ledger_span" ("leaf_start", "entry_start", "length") FROM STDIN (FORMAT BINARY)',
    ("int8", "int8", "int8"),
)


def _insert_copy(rows: Sequence[Row], queued_at: dt.datetime) -> list[int]:
    connection.ensure_connection()
    raw: Any = connection.connection
    # The raw psycopg cursor (COPY) bypasses Django's cursor: wrap its errors as Django's.
    with connection.wrap_database_errors, raw.cursor() as cursor:
        ids, xid = _ids_reserve(cursor, len(rows))
        _copy_rows(
            cursor, _ENTRY_COPY, ((i, r[0], queued_at, xid) for i, r in zip(ids, rows, strict=True))
        )
        _copy_rows(cursor, _RECORD_COPY, ((i, r[1], r[2]) for i, r in zip(ids, rows, strict=True)))
    return ids


def _copy_rows(cursor: Any, copy: tuple[str, Sequence[str]], rows: Iterable[Sequence[Any]]) -> None:
    sql, types = copy
    with cursor.copy(sql) as cp:
        cp.set_types(list(types))
        write = cp.write_row
        for row in rows:
            write(row)


_sequence: str | None = None


def _ids_reserve(cursor: Any, count: int) -> tuple[list[int], int]:
    """`count` fresh entry ids from the entry sequence and the transaction's id, in one round
    trip (the sequence named once: calling pg_get_serial_sequence per row would cost ten
    times the nextval itself)."""
    global _sequence
    if _sequence is None:
        cursor.execute("SELECT pg_get_serial_sequence('ledger_entry', 'id')")
        _sequence = str(cursor.fetchone()[0])
    cursor.execute(
        "SELECT nextval(%s::regclass), pg_current_xact_id()::text::bigint"
        " FROM generate_series(1, %s)",
        [_sequence, count],
    )
    rows = cursor.fetchall()
    return [int(i) for i, _xid in rows], int(rows[0][1])


def _insert_orm(rows: Sequence[Row], queued_at: dt.datetime) -> list[int]:
    entries = Entry.objects.bulk_create(
        [Entry(leaf_hash=r[0], queued_at=queued_at) for r in rows], batch_size=5000
    )
    if any(e.pk is None for e in entries):  # pragma: no cover - SQLite >= 3.35 returns them
        raise RuntimeError("the database did not return the new entries' ids")
    ids = [int(e.pk) for e in entries]
    Record.objects.bulk_create(
        [Record(entry_id=i, subject_ref=r[1], body=r[2]) for i, r in zip(ids, rows, strict=True)],
        batch_size=5000,
    )
    return ids


def nodes_insert(nodes: Sequence[tuple[int, int, bytes]]) -> None:
    """Store new complete subtrees (level, position, hash): COPY on PostgreSQL."""
    if not nodes:
        return
    if connection.vendor != "postgresql":
        Node.objects.bulk_create(
            [Node(level=level, position=pos, hash=h) for level, pos, h in nodes], batch_size=2000
        )
        return
    _copy(_NODE_COPY, nodes)


def spans_insert(spans: Sequence[tuple[int, int, int]]) -> None:
    """Store new spans (leaf start, entry start, length): one INSERT for a few, else COPY."""
    if not spans:
        return
    if connection.vendor != "postgresql" or len(spans) < COPY_FROM:
        Span.objects.bulk_create(
            [Span(leaf_start=leaf, entry_start=entry, length=n) for leaf, entry, n in spans],
            batch_size=2000,
        )
        return
    _copy(_SPAN_COPY, spans)


def _copy(copy: tuple[str, Sequence[str]], rows: Sequence[Sequence[Any]]) -> None:
    connection.ensure_connection()
    raw: Any = connection.connection
    with connection.wrap_database_errors, raw.cursor() as cursor:
        _copy_rows(cursor, copy, rows)
