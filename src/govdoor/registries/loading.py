"""The fast load of new records: validated, sealed, blind-indexed, versioned, announced.

Why a separate path from `records_bulk_upsert`: loading a whole register (the demo country, a
migration from a legacy system, the benchmark's million people) must cost little more than
PostgreSQL's own COPY, without giving up anything a single write guarantees:

- every row is validated against the schema (a generated validator, `fastcheck`; jsonschema
  writes the report for the rows it refuses, and one bad row refuses the whole load);
- personal fields are sealed (AES-GCM, the ring's active key id in each envelope, so rotation
  and `core.crypto.decrypt` work unchanged) in the record and in its first version;
- indexed personal fields get their blind index row;
- version 1 is written with who, when and why;
- one `registers.records_loaded` event (ids and counts, never values) per load.

Where the time went, and what this module does instead (µs of Python per row, population
record with 8 personal fields): one AES-GCM cipher (the key ring's) and one `os.urandom`
call per load rather than per envelope; one HMAC key schedule per field rather than per
value; one UUIDv7 base and one `os.urandom` for all ids; the JSON encoders built once;
COPY lines formatted directly (only user text is escaped); and the record table's COPY
streamed while rows are prepared, so PostgreSQL inserts while Python seals the next rows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.crypto import ENVELOPE_VERSION, keyring
from govdoor.core.crypto import _index_key as blind_index_key
from govdoor.core.events import events_publish
from govdoor.core.ids import uuid7
from govdoor.registries.fastcheck import compile_fast
from govdoor.registries.models import Record, RecordIndex, RecordVersion, Register
from govdoor.registries.schema import SchemaViolation, record_errors
from govdoor.registries.selectors import Caller, blind_purpose
from govdoor.registries.services import require_keeper

Op = RecordVersion.Operation
RECORD_CONTEXT = "registries.record.personal"  # EncryptedTextField's context (AAD)
VERSION_CONTEXT = "registries.recordversion.personal"

# --- batch primitives (same output as core.crypto / core.ids, a fraction of the cost) -------


class Sealer:
    """`core.crypto.encrypt` for many values under one context: same envelope, same key id."""

    def __init__(self, context: str) -> None:
        ring = keyring()
        self._aead = ring.cipher(ring.active_kid)
        self._aad = context.encode()
        self._prefix = f"{ENVELOPE_VERSION}.{ring.active_kid}."
        self._nonces = b""
        self._next = 0

    def reserve(self, count: int) -> None:
        """One random draw for `count` fresh 96-bit nonces (each used once)."""
        self._nonces = os.urandom(12 * count)
        self._next = 0

    def seal(self, plaintext: str) -> str:
        start = self._next
        if start + 12 > len(self._nonces):
            self.reserve(1024)
            start = 0
        nonce = self._nonces[start : start + 12]
        self._next = start + 12
        blob = base64.urlsafe_b64encode(
            nonce + self._aead.encrypt(nonce, plaintext.encode(), self._aad)
        )
        return self._prefix + blob.decode().rstrip("=")


def blind_indexer(purpose: str) -> Callable[[str], str]:
    """`core.crypto.blind_index(value, purpose=purpose)` with the HMAC key schedule done once."""
    key = blind_index_key(settings.GOVDOOR_BLIND_INDEX_KEY)
    base = hmac.new(key, f"{purpose}\x00".encode(), hashlib.sha256)

    def digest(value: str) -> str:
        mac = base.copy()
        mac.update("".join(value.split()).upper().encode())
        return mac.hexdigest()

    return digest


_RAND62 = (1 << 62) - 1


def uuid7_hex_batch(count: int) -> list[str]:
    """`count` UUIDv7s (32 hex digits, as PostgreSQL and SQLite's UUID columns store them).

    Laid out as core.ids.uuid7 lays them out (48-bit ms, 12-bit counter, 62 random bits) and
    continuing from a fresh core uuid7, so they are unique and sort in creation order; when
    the counter runs out the millisecond advances, as core's does.
    """
    first = uuid7().int
    ms, counter = first >> 80, (first >> 64) & 0xFFF
    noise = os.urandom(8 * count)
    out = [f"{first:032x}"] if count else []
    for i in range(1, count):
        counter += 1
        if counter > 0xFFF:
            ms, counter = ms + 1, 0
        rand = int.from_bytes(noise[8 * i : 8 * i + 8], "big") & _RAND62
        out.append(f"{(ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | rand:032x}")
    return out


# --- COPY ---------------------------------------------------------------------------------

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: str) -> str:
    """User text in COPY's text format."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


def _copy_cell(value: Any) -> str:
    """One value in COPY's text format (None is \\N); faster than per-row adaptation."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return copy_text(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def copy_lines(
    table: str, columns: Sequence[str], lines: Iterable[str], *, chunk: int = 5000
) -> None:
    """Stream ready COPY text lines (each ending in a newline) into `table`, `chunk` at a time."""
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            buffer: list[str] = []
            for line in lines:
                buffer.append(line)
                if len(buffer) >= chunk:
                    copy.write("".join(buffer))
                    buffer.clear()
            if buffer:
                copy.write("".join(buffer))


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY rows of Python values (any shape): the generic writer."""
    copy_lines(table, columns, ("\t".join(map(_copy_cell, row)) + "\n" for row in rows))


# --- the load -----------------------------------------------------------------------------

RECORD_COLUMNS = [
    "id",
    "register_id",
    "version",
    "data",
    "personal",
    "subject_id",
    "created_at",
    "updated_at",
]
VERSION_COLUMNS = [
    "record_id",
    "version",
    "operation",
    "data",
    "personal",
    "changed_fields",
    "valid_from",
    "changed_by_org",
    "changed_by_user",
    "reason",
]
INDEX_COLUMNS = ["register_id", "record_id", "field", "digest"]

_plain_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
# Sorted keys, as schema.split seals them (keys are put in sorted order before encoding).
_sealed_json = json.JSONEncoder(separators=(",", ":")).encode


def rows_check(register: Register, rows: Sequence[dict[str, Any]]) -> None:
    """Refuse the load when any row breaks the schema, listing every bad row and rule."""
    fast = compile_fast(register.json_schema)  # generated once, not per row
    errors: list[dict[str, str]] = []
    bad = 0
    for number, row in enumerate(rows, start=1):
        if fast is not None and fast(row):
            continue
        found = record_errors(register.json_schema, row)
        if found:
            bad += 1
            errors += [
                {"field": f"/rows/{number}{e['field']}", "detail": e["detail"]} for e in found
            ]
    if bad:
        raise SchemaViolation(
            _("%(n)d row(s) break the schema; nothing was loaded.") % {"n": bad}, errors=errors
        )


def _taken(register: Register, values: list[str]) -> set[str]:
    """Which of these key values current records of the register hold already."""
    key = register.key_field
    if key in register.personal_fields and key != register.subject_field:
        digest = blind_indexer(blind_purpose(register, key))
        by_digest = {digest(v): v for v in values}
        return {by_digest[d] for d in _indexed_taken(register, key, list(by_digest))}
    if connection.vendor == "postgresql":
        # One array parameter, not one per value, joined rather than `= ANY(%s)`: prepared on
        # the server (our setting), `= ANY($n)` gets a generic plan that compares each of the
        # register's records with every value (minutes per batch of a large load once the
        # register holds a few hundred thousand records); a join hashes the values, or probes
        # the subject index per value once the statistics know the table.
        subject = key == register.subject_field
        column = '"r"."subject_id"' if subject else '("r"."data" ->> %s)'
        sql = (
            f'SELECT "v"."s" FROM unnest(%s::text[]) AS "v"("s")'
            f' JOIN "registries_record" "r" ON {column} = "v"."s"'
            ' WHERE "r"."register_id" = %s AND "r"."deleted_at" IS NULL'
        )
        params: list[Any] = [values, register.pk] if subject else [values, key, register.pk]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {str(v) for (v,) in cursor.fetchall()}
    found: set[str] = set()
    lookup = "subject_id" if key == register.subject_field else f"data__{key}"
    for start in range(0, len(values), 900):
        qs = Record.objects.filter(register=register, deleted_at__isnull=True)
        qs = qs.filter(**{f"{lookup}__in": values[start : start + 900]})
        found |= {str(v) for v in qs.values_list(lookup, flat=True)}
    return found & set(values)


def _indexed_taken(register: Register, key: str, digests: list[str]) -> list[str]:
    found: list[str] = []
    for start in range(0, len(digests), 900):
        index = RecordIndex.objects.filter(
            register=register, field=key, digest__in=digests[start : start + 900]
        ).filter(record__deleted_at__isnull=True)
        found += index.values_list("digest", flat=True)
    return found


def keys_check(register: Register, rows: Sequence[dict[str, Any]]) -> None:
    """A load creates: a key value twice in the rows, or already in the register, is refused."""
    key = register.key_field
    if not key:
        return
    first: dict[str, int] = {}
    errors: list[dict[str, str]] = []
    for number, row in enumerate(rows, start=1):
        if row.get(key) in (None, ""):
            continue
        value = str(row[key])
        if value in first:
            detail = _("duplicate of row %(n)d") % {"n": first[value]}
            errors.append({"field": f"/rows/{number}/{key}", "detail": detail})
        first.setdefault(value, number)
    taken = _taken(register, list(first))
    errors += [
        {"field": f"/rows/{number}/{key}", "detail": _("a record with this value exists already")}
        for value, number in first.items()
        if value in taken
    ]
    if errors:
        raise SchemaViolation(
            _("%(n)d row(s) repeat a key; nothing was loaded.") % {"n": len(errors)},
            errors=sorted(errors, key=lambda e: int(e["field"].split("/")[2])),
        )


class _Prepared:
    """Per load: the sealers, indexers and constant columns; then one `row()` per record."""

    def __init__(self, register: Register, actor: Caller, reason: str, count: int) -> None:
        self.record_sealer, self.version_sealer = Sealer(RECORD_CONTEXT), Sealer(VERSION_CONTEXT)
        self.record_sealer.reserve(count)
        self.version_sealer.reserve(count)
        self.indexers = [
            (name, copy_text(name), blind_indexer(blind_purpose(register, name)))
            for name in register.indexed_fields
        ]
        self.personal = frozenset(register.personal_fields)
        self.subject = register.subject_field
        self.layouts: dict[tuple[str, ...], tuple[list[str], list[str], str]] = {}
        self.now = clock.now()
        self.meta = (actor.org_code, actor.user_id or "", reason)

    def layout(self, row: dict[str, Any]) -> tuple[list[str], list[str], str]:
        """(plain keys, sorted personal keys, changed fields JSON) per key order, cached."""
        keys = tuple(row)
        found = self.layouts.get(keys)
        if found is None:
            plain = [k for k in keys if k not in self.personal]
            personal = sorted(k for k in keys if k in self.personal)
            found = self.layouts[keys] = (plain, personal, json.dumps(sorted(keys)))
        return found

    def row(self, row: dict[str, Any]) -> tuple[str, str, str, str, str, list[str | None]]:
        """(plain JSON, record envelope, version envelope, changed JSON, subject, digests):
        `digests` follow `indexers`, None where the row has no value for that field."""
        plain_keys, personal_keys, changed = self.layout(row)
        plain = _plain_json({k: row[k] for k in plain_keys})
        if personal_keys:
            sealed = _sealed_json({k: row[k] for k in personal_keys})
            rec_env, ver_env = self.record_sealer.seal(sealed), self.version_sealer.seal(sealed)
        else:
            rec_env = ver_env = ""
        value = row.get(self.subject) if self.subject else None
        subject = "" if value is None else str(value)
        digests = [
            None if row.get(name) in (None, "") else digest(str(row[name]))
            for name, _escaped, digest in self.indexers
        ]
        return plain, rec_env, ver_env, changed, subject, digests


@transaction.atomic
def records_bulk_load(
    *,
    register: Register,
    rows: Sequence[dict[str, Any]],
    actor: Caller,
    reason: str = "load",
) -> int:
    """Create many new records at once: COPY on PostgreSQL, bulk INSERT elsewhere.

    Every row is validated first (any bad row refuses the whole load, and the error lists
    every bad row and rule: use `records_bulk_upsert` for partial loads and updates), then
    sealed, blind-indexed and versioned. One summary event (`registers.records_loaded`) is
    published instead of one per record.
    """
    require_keeper(actor, register)
    rows_check(register, rows)
    keys_check(register, rows)
    if rows:
        prepared = _Prepared(register, actor, reason, len(rows))
        ids = uuid7_hex_batch(len(rows))
        if connection.vendor == "postgresql":
            _load_copy(register, rows, ids, prepared)
        else:
            _load_orm(register, rows, ids, prepared)
    records_loaded_announce(register, len(rows))
    statistics_refresh_after(len(rows))
    return len(rows)


# A load this large can change the planner's picture of the record tables by orders of
# magnitude (a new register's first load above all).
ANALYZE_FROM = 10_000


def statistics_refresh_after(written: int) -> bool:
    """Have the record tables' statistics refreshed when the caller commits, if it wrote
    `written` (>= ANALYZE_FROM) records; whether it will be."""
    if written < ANALYZE_FROM:
        return False
    transaction.on_commit(statistics_refresh, robust=True)
    return True


def statistics_refresh() -> None:
    """ANALYZE the record tables (PostgreSQL; a no-op elsewhere), after a large load commits.

    Why not leave it to autovacuum: until it gets there (a minute or more), the planner
    takes a freshly loaded register for the near-empty table it last saw, and reads by key
    (`bulk.existing_by_key`, the blind index) scan every record of the register once per
    key instead of probing an index: 3,000 keys of a 200,000-record register took 15 s
    instead of 0.4 s. Sampling costs a fraction of a second, once per large load.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Record, RecordVersion, RecordIndex):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def records_loaded_announce(register: Register, count: int) -> None:
    """The one summary event of a load: ids and counts, never values."""
    events_publish(
        topic="registers.records_loaded",
        payloads=[
            {"register": register.code, "register_version": register.version, "count": count}
        ],
    )


IMPORT = str(Op.IMPORT.value)


def record_lines(
    register: Register,
    rows: Sequence[dict[str, Any]],
    ids: list[str],
    prepared: _Prepared,
    versions: list[str],
    indexes: list[str],
) -> Iterator[str]:
    """The record table's COPY lines, one per row as it is prepared; the version and blind
    index lines of each row are appended to `versions` and `indexes` on the way."""
    reg, ts = register.pk.hex, prepared.now.isoformat()
    org, user, reason = (copy_text(v) for v in prepared.meta)
    version_tail = f"\t{ts}\t{org}\t{user}\t{reason}\n"
    record_tail = f"\t{ts}\t{ts}\n"
    indexers = prepared.indexers
    for rid, row in zip(ids, rows, strict=True):
        plain, rec_env, ver_env, changed, subject, digests = prepared.row(row)
        if "\\" in plain:
            plain = plain.replace("\\", "\\\\")
        if "\\" in changed:
            changed = changed.replace("\\", "\\\\")
        versions.append(f"{rid}\t1\t{IMPORT}\t{plain}\t{ver_env}\t{changed}{version_tail}")
        for (_name, field, _digest), value in zip(indexers, digests, strict=True):
            if value is not None:
                indexes.append(f"{reg}\t{rid}\t{field}\t{value}\n")
        yield f"{rid}\t{reg}\t1\t{plain}\t{rec_env}\t{copy_text(subject)}{record_tail}"


def _load_copy(
    register: Register, rows: Sequence[dict[str, Any]], ids: list[str], prepared: _Prepared
) -> None:
    """The record table's COPY streams while rows are prepared; versions and index follow."""
    versions: list[str] = []
    indexes: list[str] = []
    lines = record_lines(register, rows, ids, prepared, versions, indexes)
    tables_copy(lines, versions, indexes, record_chunk=1000)


def tables_copy(
    records: Iterable[str],
    versions: Sequence[str],
    indexes: Sequence[str],
    *,
    record_chunk: int = 5000,
) -> None:
    """COPY the three tables' lines, records first: `records` may be the generator that
    fills `versions` and `indexes` as it goes (`record_lines`)."""
    copy_lines("registries_record", RECORD_COLUMNS, records, chunk=record_chunk)
    copy_lines("registries_recordversion", VERSION_COLUMNS, versions)
    copy_lines("registries_recordindex", INDEX_COLUMNS, indexes)


def _load_orm(
    register: Register, rows: Sequence[dict[str, Any]], ids: list[str], prepared: _Prepared
) -> None:
    """Plain INSERTs with already sealed values (the model field would seal them again)."""
    reg = register.pk.hex
    when = connection.ops.adapt_datetimefield_value(prepared.now)
    records: list[tuple[Any, ...]] = []
    versions: list[tuple[Any, ...]] = []
    indexes: list[tuple[Any, ...]] = []
    for rid, row in zip(ids, rows, strict=True):
        plain, rec_env, ver_env, changed, subject, digests = prepared.row(row)
        records.append((rid, reg, 1, plain, rec_env, subject, when, when))
        versions.append((rid, 1, IMPORT, plain, ver_env, changed, when, *prepared.meta))
        for (name, _field, _digest), value in zip(prepared.indexers, digests, strict=True):
            if value is not None:
                indexes.append((reg, rid, name, value))

    def sql(table: str, columns: list[str]) -> str:
        marks = ", ".join(["%s"] * len(columns))
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"

    with connection.cursor() as cursor:
        cursor.executemany(sql("registries_record", RECORD_COLUMNS), records)
        cursor.executemany(sql("registries_recordversion", VERSION_COLUMNS), versions)
        cursor.executemany(sql("registries_recordindex", INDEX_COLUMNS), indexes)
