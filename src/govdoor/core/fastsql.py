"""Hot-path statements prepared once per model instead of compiled by the ORM per call.

Why: on the busiest endpoints (a data request answers in a few milliseconds) compiling a
query through the ORM costs more than the database takes to run it.
- `insert_one` writes exactly what `Model.objects.create` would (every concrete field,
  prepared by the field itself) with a statement built once per model and backend. It sends
  no pre/post-save signals: use it only for models nobody listens to (govdoor publishes
  events instead).
- `insert_statement` is the same INSERT as SQL and parameters, for a caller that sends it
  inside a statement of its own (the ledger writes an access's record with its entries).
- `select_columns` and `models_from_rows` read rows of a statement the caller built once
  (all concrete columns, in model order) into instances, with the converters the ORM would
  apply to each column (JSON, encrypted fields, SQLite's dates and UUIDs); `rows_converted`
  applies the same converters and stops there (a hot read that needs values, not models).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


@functools.cache
def _insert_sql(model: type[models.Model], vendor: str) -> tuple[str, list[Any]]:
    qn = connection.ops.quote_name
    fields = list(model._meta.concrete_fields)
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(str(f.column)) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    return sql, fields


def insert_statement(instance: models.Model) -> tuple[str, list[Any]]:
    """The INSERT of a new instance whose primary key is set by its default (UUIDv7 ids), as
    SQL and parameters; the instance is not marked saved (see `inserted`)."""
    if instance.pk is None:
        raise ValueError("an insert needs the primary key set (a UUID default)")
    sql, fields = _insert_sql(type(instance), connection.vendor)
    return sql, [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


def inserted(instance: M) -> M:
    """Mark an instance written by its `insert_statement` as saved, as the ORM would."""
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


def insert_one(instance: M) -> M:
    """Insert a new instance whose primary key is set by its default (UUIDv7 ids)."""
    sql, params = insert_statement(instance)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return inserted(instance)


def select_columns(
    model: type[models.Model], alias: str | None = None, *, only: Sequence[str] | None = None
) -> str:
    """The model's concrete columns (or those of the `only` attribute names, in model order),
    quoted, in the order `models_from_rows` reads them; qualified by a table alias when the
    statement joins several tables."""
    qn = connection.ops.quote_name
    prefix = f"{qn(alias)}." if alias else ""
    return ", ".join(prefix + qn(str(f.column)) for f in _fields(model, only))


def _fields(model: type[models.Model], only: Sequence[str] | None) -> list[Any]:
    fields = list(model._meta.concrete_fields)
    if only is None:
        return fields
    unknown = set(only) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
    return [f for f in fields if f.attname in only]


def column_count(model: type[models.Model]) -> int:
    """How many columns `select_columns(model)` selects: to split a joined row by model."""
    return len(model._meta.concrete_fields)


def models_from_rows(
    model: type[M], rows: Sequence[Sequence[Any]], *, only: Sequence[str] | None = None
) -> list[M]:
    """Instances of `model` from rows of `select_columns(model, only=...)`, converted as the
    ORM does; the columns left out are deferred (as `.only()` leaves them: read on access)."""
    names, converters = _loader(model, connection.vendor, None if only is None else tuple(only))
    return [
        model.from_db(connection.alias, names, values) for values in _converted(rows, converters)
    ]


def rows_converted(
    model: type[models.Model], rows: Sequence[Sequence[Any]], *, only: Sequence[str] | None = None
) -> list[list[Any]]:
    """The rows of `select_columns(model, only=...)` with each column converted as the ORM
    would (JSON decoded, encrypted fields opened, SQLite's UUIDs and dates parsed), as lists
    in column order: for a hot read that needs the values and not model instances."""
    _names, converters = _loader(model, connection.vendor, None if only is None else tuple(only))
    return _converted(rows, converters)


def _converted(
    rows: Sequence[Sequence[Any]], converters: Sequence[tuple[int, Any]]
) -> list[list[Any]]:
    out = []
    for values in rows:
        converted = list(values)
        for index, convert in converters:
            converted[index] = convert(converted[index])
        out.append(converted)
    return out


@functools.cache
def _loader(
    model: type[models.Model], vendor: str, only: tuple[str, ...] | None
) -> tuple[list[str], list[tuple[int, Any]]]:
    """The attribute names and, per column that needs one, the ORM's chain of converters."""
    fields = _fields(model, only)
    converters = []
    for index, f in enumerate(fields):
        col = f.get_col(model._meta.db_table)
        chain = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
        if chain:
            converters.append((index, _chained(chain, col)))
    return [f.attname for f in fields], converters


def _chained(chain: Sequence[Any], col: Any) -> Any:
    def convert(value: Any) -> Any:
        for step in chain:
            value = step(value, col, connection)
        return value

    return convert
