"""A scan batch's reads and writes as sets: one query in, one statement out, on PostgreSQL.

Why not the ORM here: a scan reads hundreds of thousands of people per batch; loading each
as a model (or even as a row tuple with a UUID and two dates) costs microseconds a person in
Python, more than the OpenFisca calculation itself. On PostgreSQL the whole batch is one
query (consents in force joined to the people, their family links and their children) whose
result is ONE bytea that numpy reads in place, and the offers are one INSERT ... SELECT FROM
unnest(...) ON CONFLICT DO NOTHING. SQLite (the embedded demo) keeps the portable ORM path;
both give the same households, ids and offers (tests compare them).

Exchange has no bulk selector for consents yet (requested), so both paths read its consent
table directly; a per-person check would not scale.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Q

from govdoor.core import clock
from govdoor.rules import engine
from govdoor.rules.batch import HouseholdBatch
from govdoor.rules.population import finance_sources, people_households

PURPOSE = "proactive-eligibility"
_ROW = np.dtype([("id", "V16"), ("born", ">i4"), ("child", ">i4")])
NO_CHILD = -(2**31)  # the child's birth day in a row of a head without children
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


@dataclass
class ScanHouseholds:
    """The heads read for one batch (sorted by id) and their households as arrays."""

    ids: list[str]
    batch: HouseholdBatch


def set_based() -> bool:
    """Whether this database takes the set-based path (PostgreSQL) or the portable one."""
    return connection.vendor == "postgresql"


def consenting_person_ids(*, organisation: Any, after: str = "", limit: int) -> list[Any]:
    """People with a consent in force for proactive checks by `organisation`, by id."""
    from govdoor.exchange.models import Consent

    qs = Consent.objects.filter(
        purpose__code=PURPOSE,
        organisation=organisation,
        revoked_at__isnull=True,
        person__deceased_on__isnull=True,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=clock.now()))
    if after:
        qs = qs.filter(person_id__gt=after)
    return list(qs.order_by("person_id").values_list("person_id", flat=True).distinct()[:limit])


def households_read(
    *, organisation: Any, after: str, limit: int, on: dt.date, source: str | None = None
) -> ScanHouseholds:
    """The next `limit` people (by id, after `after`) who consented, each with the children
    they are parent of; finances from the named source (default: the setting)."""
    if not set_based():
        ids = consenting_person_ids(organisation=organisation, after=after, limit=limit)
        people = people_households(ids, on=on, source=source)
        return ScanHouseholds(ids=people.ids, batch=people.batch)
    from django.conf import settings

    data = _packed_rows(organisation_id=organisation.pk, after=after, limit=limit)
    ids, head_born, head_of_row, child_born = _unpack(data)
    finances = finance_sources.get(
        source or str(getattr(settings, "GOVDOOR_RULES_FINANCES_SOURCE", "demo"))
    )(ids)
    has_child = child_born != NO_CHILD
    household = np.concatenate([np.arange(len(ids)), head_of_row[has_child]])
    order = np.argsort(household, kind="stable")  # each household: its adult, then children
    born = np.concatenate([head_born, child_born[has_child]])[order]
    batch = HouseholdBatch(
        person_household=household[order].astype(np.int64),
        person_age=ages_on(born, on),
        person_is_child=np.concatenate(
            [np.zeros(len(ids), bool), np.ones(int(has_child.sum()), bool)]
        )[order],
        household_inputs={k: finances[k] for k in ("household_income", "rent", "property_tax")},
    )
    return ScanHouseholds(ids=ids, batch=batch)


def ages_on(born: np.ndarray, day: dt.date) -> np.ndarray:
    """Whole years on `day` of people born `born` (days since 1970-01-01): the same
    arithmetic as `population.age_on`, for a whole batch at once."""
    dates = born.astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    year = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    month_day = (months.astype(np.int64) % 12 + 1) * 100
    month_day += (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    return day.year - year - (month_day > day.month * 100 + day.day).astype(np.int64)


def _packed_rows(*, organisation_id: Any, after: str, limit: int) -> bytes:
    """One row per (head, child) or (head, no child): 16 bytes of id, the head's birth date
    and the child's (NO_CHILD for none) as int4 days since 1970-01-01, big-endian; all rows
    of the batch in one bytea, unordered (numpy sorts them faster than the database)."""
    from govdoor.exchange.models import Consent, Purpose
    from govdoor.identity.models import FamilyLink, Person

    sql = f"""
        WITH heads AS (
            SELECT DISTINCT c.person_id AS id, p.birth_date
            FROM {Consent._meta.db_table} c
            JOIN {Purpose._meta.db_table} u ON u.id = c.purpose_id AND u.code = %(purpose)s
            JOIN {Person._meta.db_table} p ON p.id = c.person_id
            WHERE c.organisation_id = %(organisation)s AND c.revoked_at IS NULL
              AND (c.expires_at IS NULL OR c.expires_at > %(now)s)
              AND p.deceased_on IS NULL
              AND (%(after)s::uuid IS NULL OR c.person_id > %(after)s::uuid)
            ORDER BY c.person_id LIMIT %(limit)s
        )
        SELECT coalesce(string_agg(
            uuid_send(h.id) || int4send(h.birth_date - DATE '1970-01-01')
            || int4send(coalesce(k.birth_date - DATE '1970-01-01', %(none)s)), ''::bytea),
            ''::bytea)
        FROM heads h
        LEFT JOIN {FamilyLink._meta.db_table} f ON f.person_id = h.id AND f.kind = %(parent)s
        LEFT JOIN {Person._meta.db_table} k ON k.id = f.relative_id
    """
    params = {
        "purpose": PURPOSE,
        "organisation": organisation_id,
        "now": clock.now(),
        "after": after or None,
        "limit": limit,
        "parent": FamilyLink.Kind.PARENT.value,
        "none": NO_CHILD,
    }
    with _server_cursor() as cursor:
        # Hash joins over the people and links tables in memory, not in temporary files:
        # for this batch's transaction only.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(sql, params, binary=True)
        return bytes(cursor.fetchone()[0])


def _unpack(data: bytes) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Sorted head ids (text), their birth days, each row's head index and child's birth."""
    rows = np.frombuffer(data, dtype=_ROW)
    keys = np.frombuffer(rows["id"].tobytes(), dtype=">u8").reshape(-1, 2).astype(np.uint64)
    order = np.lexsort((keys[:, 1], keys[:, 0]))  # uuid order: its bytes, big-endian
    rows, keys = rows[order], keys[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (keys[1:] != keys[:-1]).any(axis=1)
    heads = rows[first]
    ids = uuid_texts(heads["id"].tobytes())
    head_of_row = np.cumsum(first) - 1
    return ids, heads["born"].astype(np.int64), head_of_row, rows["child"].astype(np.int64)


def uuid_texts(packed: bytes) -> list[str]:
    """16-byte UUIDs, back to back, as their canonical text (what `str(UUID)` gives)."""
    raw = np.frombuffer(packed, dtype=np.uint8).reshape(-1, 16)
    digits = np.empty((len(raw), 32), dtype=np.uint8)
    digits[:, 0::2], digits[:, 1::2] = _HEX[raw >> 4], _HEX[raw & 15]
    text = np.full((len(raw), 36), ord("-"), dtype=np.uint8)
    for start, end, to in ((0, 8, 0), (8, 12, 9), (12, 16, 14), (16, 20, 19), (20, 32, 24)):
        text[:, to : to + end - start] = digits[:, start:end]
    joined = text.tobytes().decode("ascii")
    return [joined[i : i + 36] for i in range(0, len(joined), 36)]


def uuid7_many(count: int) -> bytes:
    """`count` UUIDv7 (RFC 9562: 48-bit Unix milliseconds, then random bits), packed.

    Why not `core.ids.uuid7` a row: it costs microseconds each; an offer id needs only to be
    unique and time-ordered to the millisecond, not ordered within one batch.
    """
    out = np.frombuffer(bytearray(os.urandom(16 * count)), dtype=np.uint8).reshape(-1, 16)
    ms = (time.time_ns() // 1_000_000).to_bytes(6, "big")
    out[:, :6] = np.frombuffer(ms, dtype=np.uint8)
    out[:, 6] = 0x70 | (out[:, 6] & 0x0F)
    out[:, 8] = 0x80 | (out[:, 8] & 0x3F)
    return out.tobytes()


def offers_insert(*, scan: Any, person_ids: Sequence[str], amounts: np.ndarray) -> list[str]:
    """One INSERT for the batch's offers (amount > 0); a person who already has one for this
    benefit and version is skipped by the unique constraint. The new offers' ids."""
    from govdoor.rules.models import Offer

    eligible = np.flatnonzero(amounts > 0)
    if not len(eligible):
        return []
    # Few distinct amounts: each becomes Decimal (engine.money) once, rows point at theirs.
    values, which = np.unique(np.asarray(amounts)[eligible], return_inverse=True)
    sql = f"""
        INSERT INTO {Offer._meta.db_table}
            (id, scan_id, person_id, service_code, version, amount, message_id, created_at)
        SELECT o.id, %s, o.person, %s, %s, (%b::text[]::numeric[])[o.k], NULL, %s
        FROM unnest(%b::text[]::uuid[], %b::text[]::uuid[], %b::int[]) AS o(id, person, k)
        ON CONFLICT (person_id, service_code, version) DO NOTHING
        RETURNING id::text
    """
    params = [
        scan.pk,
        scan.service_code,
        scan.version,
        [str(engine.money(v)) for v in values.tolist()],
        clock.now(),
        uuid_texts(uuid7_many(len(eligible))),
        [person_ids[i] for i in eligible.tolist()],
        (which.ravel() + 1).tolist(),
    ]
    with _server_cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


@contextlib.contextmanager
def _server_cursor() -> Iterator[Any]:
    """A psycopg cursor with server-side parameters on Django's connection (same
    transaction): Django's own cursor binds client-side, which renders a list of 200,000
    ids as one literal and cannot return binary results. Errors surface as Django's."""
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor
