"""Writing queued ledger entries (each with its record) in as few round trips as possible.

Why three ways: one data request appends a handful of entries and wants one statement (on
PostgreSQL an INSERT from a VALUES list, in a data-modifying CTE beside the access's own
rows); a population scan appends a million and wants COPY (one stream: the entry's id and
transaction id are the columns' defaults, so nothing is read first); SQLite, the embedded
demo, has neither and uses a bulk INSERT. An access may hand over rows of its own (the
exchange's request record) to be written with its entries: on PostgreSQL they are further
inserts in the same statement, otherwise plain inserts right after, in the same transaction.
Every entry carries its transaction's id (`xid`), which the sequencer's queue cursor needs
(see services.ledger_sequence). The sequencer's own writes, the nodes and spans, go through
the same COPY helper. All run in the caller's transaction; a failure raises DatabaseError
and the caller's transaction rolls back.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

from govdoor.core import fastsql
from govdoor.ledger.models import Entry, Node, Span
from govdoor.ledger.rows import Row

COPY_FROM = 64  # below this many rows, one INSERT statement (one round trip); from it on, COPY


@functools.cache  # per row count (below COPY_FROM), companion shapes and read (a few each)
def _cte_sql(
    rows: int, companions: tuple[str, ...] = (), read: tuple[str, str] | None = None
) -> str:
    """One statement for `rows` entries (with their records) and the companion INSERTs. The
    rows come as a VALUES list: PostgreSQL plans it in half the time it takes to parse the
    same rows sent as bytea and text arrays through unnest (measured: 0.56 against 0.89 ms
    for three entries). A data-modifying WITH query runs to completion whether or not the
    main query reads it, so the companions need no RETURNING.

    With `read` (the access's SELECT and the quoted name of one of its columns) the SELECT
    comes first ("r"), each row carries a key ("k"), only the rows whose key the read's rows
    hold are written, and the statement answers the read's rows, each with the count of
    distinct leaf hashes written (fewer than the entries: two equal salts, a broken random
    source). In autocommit it is a transaction of its own: the read and its entries
    commit together without a BEGIN and a COMMIT round trip."""
    key = ', "k"' if read else ""
    found = f' WHERE EXISTS (SELECT 1 FROM "r" WHERE "r".{read[1]} = "v"."k")' if read else ""
    answer = (
        ' SELECT "r".*, (SELECT count(DISTINCT "leaf_hash") FROM "e") FROM "r"'
        if read
        else ' SELECT "e"."id", "e"."leaf_hash" FROM "e"'
    )
    return (
        (f'WITH "r" AS ({read[0]}), ' if read else "WITH ")
        + f'"v"("h", "s", "b", "n"{key}) AS (VALUES '
        + ", ".join([f"(%s::bytea, %s, %s, %s{', %s' if read else ''})"] * rows)
        + '), "e" AS ('
        ' INSERT INTO "ledger_entry" ("leaf_hash", "queued_at", "xid", "subject_ref", "body")'
        ' SELECT "v"."h", %s, pg_current_xact_id()::text::bigint, "v"."s", "v"."b"'
        f' FROM "v"{found} ORDER BY "v"."n" RETURNING "id", "leaf_hash")'
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
    index), and the companions; the read's rows and how many entries were written. Fewer
    distinct leaf hashes written than the read's keys call for (two equal leaf hashes: a
    broken random source) raises RuntimeError, so nothing read is disclosed."""
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
    if any(r[-1] != written for r in result):
        raise RuntimeError("ledger rows and their entries do not match one to one")
    for instance in companions:
        fastsql.inserted(instance)
    return [r[:-1] for r in result], written


def rows_insert(
    rows: Sequence[Row], *, queued_at: dt.datetime, companions: Sequence[models.Model] = ()
) -> None:
    """Insert the rows as queued entries, and the companion instances (new, primary key
    set: see `fastsql.insert_statement`). A companion without its key is refused
    (ValueError) before anything is written."""
    inserts = [fastsql.insert_statement(instance) for instance in companions]
    if rows and connection.vendor == "postgresql" and len(rows) < COPY_FROM:
        _insert_cte(rows, queued_at, inserts)
    else:
        if rows:
            insert = _insert_copy if connection.vendor == "postgresql" else _insert_orm
            insert(rows, queued_at)
        if inserts:
            with connection.cursor() as cursor:
                for sql, params in inserts:
                    cursor.execute(sql, params)
    for instance in companions:
        fastsql.inserted(instance)


def entry_insert(row: Row, *, queued_at: dt.datetime) -> int:
    """Insert one row as a queued entry; its id."""
    if connection.vendor == "postgresql":
        (entry_id,) = _insert_cte([row], queued_at)
        return entry_id
    (entry_id,) = _insert_orm([row], queued_at)
    return entry_id


def _insert_cte(
    rows: Sequence[Row], queued_at: dt.datetime, inserts: Sequence[tuple[str, list[Any]]] = ()
) -> list[int]:
    hashes = [r[0] for r in rows]
    params = _cte_params((), rows, queued_at, inserts)
    with connection.cursor() as cursor:
        cursor.execute(_cte_sql(len(rows), tuple(sql for sql, _values in inserts)), params)
        result = cursor.fetchall()
    found = {bytes(h): int(i) for i, h in result}
    if len(found) != len(rows):
        # Two equal leaf hashes in one batch would need equal salts: a broken random source.
        raise RuntimeError("ledger rows and their entries do not match one to one")
    return [found[h] for h in hashes]


# Binary COPY: the server parses no text (hex bytea, ISO timestamps) and nothing needs
# escaping. Its rows must carry each column's exact type, so the types are named here beside
# the column lists (held to the tables by the PostgreSQL suite: a mismatch fails the COPY).
# The entry's id and transaction id are left to the columns' defaults: the id sequence and,
# on PostgreSQL, pg_current_xact_id() (migration 0006).
_ENTRY_COPY = (
    'COPY "ledger_entry" ("leaf_hash", "queued_at", "subject_ref", "body")'
    " FROM STDIN (FORMAT BINARY)",
    ("bytea", "timestamptz", "varchar", "text"),
)
_NODE_COPY = (
    'COPY "ledger_node" ("level", "position", "hash") FROM STDIN (FORMAT BINARY)',
    ("int2", "int8", "bytea"),
)
_SPAN_COPY = (
    'COPY "ledger_span" ("leaf_start", "entry_start", "length") FROM STDIN (FORMAT BINARY)',
    ("int8", "int8", "int8"),
)


def _insert_copy(rows: Sequence[Row], queued_at: dt.datetime) -> None:
    connection.ensure_connection()
    raw: Any = connection.connection
    # The raw psycopg cursor (COPY) bypasses Django's cursor: wrap its errors as Django's.
    with connection.wrap_database_errors, raw.cursor() as cursor:
        _copy_rows(
            cursor, _ENTRY_COPY, ((h, queued_at, subject, body) for h, subject, body in rows)
        )


def _copy_rows(cursor: Any, copy: tuple[str, Sequence[str]], rows: Iterable[Sequence[Any]]) -> None:
    sql, types = copy
    with cursor.copy(sql) as cp:
        cp.set_types(list(types))
        write = cp.write_row
        for row in rows:
            write(row)


def _insert_orm(rows: Sequence[Row], queued_at: dt.datetime) -> list[int]:
    entries = Entry.objects.bulk_create(
        [Entry(leaf_hash=h, queued_at=queued_at, subject_ref=s, body=b) for h, s, b in rows],
        batch_size=5000,
    )
    if any(e.pk is None for e in entries):  # pragma: no cover - SQLite >= 3.35 returns them
        raise RuntimeError("the database did not return the new entries' ids")
    return [int(e.pk) for e in entries]


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
