"""Writing many notifications at once: COPY to insert, one UPDATE to record many answers.

Why not `bulk_create` / `bulk_update`: on a reminder morning both dominate the CPU time per
notification (model instances, per-field preparation, and `bulk_update`'s CASE WHEN per
row). On PostgreSQL the rows go in by COPY and the answers by `UPDATE ... FROM (VALUES ...)`;
other databases (SQLite in development and tests) take the ORM path with the same result.
Encrypted columns are sealed here exactly as `EncryptedTextField` would seal them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field

from govdoor.core import crypto
from govdoor.messaging.models import Notification

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_cell(value: Any) -> str:
    """One value in COPY's text format (None is \\N)."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_COPY_ESCAPES)
        return value
    if isinstance(value, bool):
        return "t" if value else "f"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
            buffer: list[str] = []
            for row in rows:
                buffer.append("\t".join(map(_copy_cell, row)) + "\n")
                if len(buffer) >= 2000:
                    copy.write("".join(buffer))
                    buffer.clear()
            if buffer:
                copy.write("".join(buffer))


def _sealer(field: Field[Any, Any]) -> Any:
    context = getattr(field, "_context", None)
    if context is None:
        return None
    return lambda v: crypto.encrypt(str(v), context=context) if v not in (None, "") else v


def notifications_insert(rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert new notifications given as {attname: value}; absent fields take their default.

    Values are plaintext; encrypted fields are sealed on the way in. Unique keys hold as in
    any INSERT: a duplicate idempotency key fails the whole statement (and transaction).
    """
    if not rows:
        return
    fields = list(Notification._meta.concrete_fields)
    if connection.vendor != "postgresql":
        Notification.objects.bulk_create([Notification(**row) for row in rows], batch_size=500)
        return
    defaults = {f.attname: f.get_default() for f in fields}
    sealers = {f.attname: _sealer(f) for f in fields}
    names = [f.attname for f in fields]

    def cells(row: Mapping[str, Any]) -> list[Any]:
        out = []
        for name in names:
            value = row[name] if name in row else defaults[name]
            seal = sealers[name]
            out.append(seal(value) if seal is not None else value)
        return out

    columns = [str(f.column) for f in fields]
    copy_rows(Notification._meta.db_table, columns, map(cells, rows))


ANSWER_COLUMNS = (
    "status",
    "sent_at",
    "provider_ref",
    "provider_answer",
    "last_error",
    "next_attempt_at",
)
_PG_TYPES = {
    "status": "varchar",
    "sent_at": "timestamptz",
    "provider_ref": "varchar",
    "provider_answer": "text",
    "last_error": "text",
    "next_attempt_at": "timestamptz",
}


def answers_record(rows: Sequence[Any]) -> None:
    """Write the outcome fields (`ANSWER_COLUMNS`) of many attempted notifications.

    `rows` have `pk` and those attributes. PostgreSQL: one UPDATE joined to a VALUES list.
    Elsewhere: one UPDATE per outcome and `bulk_update` for the provider references.
    """
    if not rows:
        return
    if connection.vendor == "postgresql":
        _answers_record_pg(rows)
        return
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for n in rows:
        shared = (n.status, n.sent_at, n.provider_answer, n.last_error, n.next_attempt_at)
        groups.setdefault(shared, []).append(n.pk)
    for (status, sent_at, answer, error, next_at), pks in groups.items():
        Notification.objects.filter(pk__in=pks).update(
            status=status,
            sent_at=sent_at,
            provider_answer=answer,
            last_error=error,
            next_attempt_at=next_at,
        )
    refs = [Notification(pk=n.pk, provider_ref=n.provider_ref) for n in rows]
    Notification.objects.bulk_update(refs, ["provider_ref"], batch_size=500)


def _answers_record_pg(rows: Sequence[Any]) -> None:
    # One array parameter per column (unnest), so the statement stays short whatever the
    # batch size: cheap to send and to parse.
    table = connection.ops.quote_name(Notification._meta.db_table)
    arrays = ", ".join(["%s::uuid[]", *(f"%s::{_PG_TYPES[c]}[]" for c in ANSWER_COLUMNS)])
    sets = ", ".join(f"{c} = v.{c}" for c in ANSWER_COLUMNS)
    params: list[list[Any]] = [[n.pk for n in rows]]
    params += [[getattr(n, c) for n in rows] for c in ANSWER_COLUMNS]
    sql = (
        f"UPDATE {table} AS n SET {sets} "
        f"FROM unnest({arrays}) AS v(id, {', '.join(ANSWER_COLUMNS)}) WHERE n.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
