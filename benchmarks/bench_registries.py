"""Base registers: bulk load of population records into PostgreSQL beside a plain COPY of the
same rows, and exact-field lookup latency through the blind index.

Why COPY as the baseline: it is the fastest way PostgreSQL takes rows, so the ratio says how
much govdoor's own work (schema validation, sealing personal fields, blind indexes, the
version row) costs per record, and it travels between machines. Goals (issue 4): load at
>= 25% of COPY's records/s; exact lookup p95 <= 10 ms over 1,000,000 records.
"""

from __future__ import annotations

import json
from typing import Any

from benchmarks.server import fresh_database, manage, python, server_env

FULL, QUICK = 1_000_000, 20_000
BATCH = 20_000
LOOKUPS = 1_000

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["person_id", "national_id", "given_name", "family_name", "birth_date"],
    "properties": {
        "person_id": {"type": "string"},
        "national_id": {"type": "string", "pattern": "^[0-9]{9}$"},
        "given_name": {"type": "string"},
        "family_name": {"type": "string"},
        "birth_date": {"type": "string", "format": "date"},
        "sex": {"enum": ["F", "M", "X"]},
        "street": {"type": "string"},
        "house_number": {"type": "string"},
        "postcode": {"type": "string"},
        "town": {"type": "string"},
        "municipality": {"type": "string"},
    },
}
PERSONAL = [
    "person_id",
    "national_id",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "street",
    "house_number",
]
GIVEN = ["Ada", "Bram", "Chloé", "Dries", "Eva", "Farid", "Greta", "Hugo", "Inès", "Jonas"]
FAMILY = ["Martin", "Peeters", "Dubois", "Janssens", "Lambert", "Maes", "Laurent", "Claes"]
TOWNS = ["Demopolis", "Port Esmeray", "Aldermoor", "Saint-Aubin", "Fernley", "Granval"]


def rows(start: int, count: int) -> list[dict[str, Any]]:
    """Deterministic population rows `start`..`start+count` (valid national numbers)."""
    from govdoor.identity.national_id import national_id_generate

    out = []
    for n in range(start, start + count):
        town = TOWNS[n % len(TOWNS)]
        out.append(
            {
                "person_id": f"00000000-0000-7000-8000-{n:012d}",
                "national_id": national_id_generate(n),
                "given_name": GIVEN[n % len(GIVEN)],
                "family_name": FAMILY[(n // 7) % len(FAMILY)],
                "birth_date": f"{1930 + n % 90}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "sex": "FMX"[n % 3],
                "street": f"{FAMILY[n % len(FAMILY)]} Street",
                "house_number": str(1 + n % 250),
                "postcode": f"{1000 + n % 9000}",
                "town": town,
                "municipality": town.lower().replace(" ", "-"),
            }
        )
    return out


def measure(total: int) -> None:
    """Runs inside a migrated fresh database (a subprocess); prints one JSON line."""
    import random
    import statistics
    import time

    import django

    django.setup()
    from django.db import connection

    from govdoor.identity.national_id import national_id_generate
    from govdoor.organisations.models import Organisation
    from govdoor.registries.bulk import copy_rows
    from govdoor.registries.pipeline import records_bulk_load_batches
    from govdoor.registries.schema import merged
    from govdoor.registries.selectors import Caller, records_search
    from govdoor.registries.services import register_create

    org = Organisation.objects.create(code="civil-registry", name="Civil Registry", level="central")
    register = register_create(
        organisation=org,
        code="population",
        name="Population",
        json_schema=SCHEMA,
        personal_fields=PERSONAL,
        indexed_fields=["national_id"],
        subject_field="person_id",
        subject_kind="person",
        key_field="person_id",
    )
    actor = Caller(organisation=org, is_agency=True, purpose="benchmark")

    # The rows are generated before the clock starts (the load is timed, not the generator);
    # records_bulk_load_batches loads them batch after batch, each in its own transaction,
    # validating and sealing the next batch while the database writes the current one.
    batches = [rows(start, min(BATCH, total - start)) for start in range(0, total, BATCH)]
    t0 = time.perf_counter()
    loaded = records_bulk_load_batches(
        register=register, batches=batches, actor=actor, reason="benchmark"
    )
    load_seconds = time.perf_counter() - t0
    if loaded != total:
        raise RuntimeError(f"loaded {loaded} of {total} records")
    del batches

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_copy (id uuid PRIMARY KEY, register_id uuid, "
            "data jsonb, created_at timestamptz)"
        )
    copy_seconds = 0.0
    for start in range(0, total, BATCH):
        batch = rows(start, min(BATCH, total - start))
        t0 = time.perf_counter()
        # The same COPY writer govdoor's loader uses, so the ratio is govdoor's own work.
        copy_rows(
            "bench_copy",
            ["id", "register_id", "data", "created_at"],
            (
                (
                    f"00000000-0000-7000-9000-{n:012d}",
                    register.pk,
                    json.dumps(row, separators=(",", ":"), ensure_ascii=False),
                    "2026-01-01T00:00:00Z",
                )
                for n, row in enumerate(batch, start=start)
            ),
        )
        copy_seconds += time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    rng = random.Random(7)
    timings = []
    for _ in range(LOOKUPS):
        wanted = national_id_generate(rng.randrange(total))
        t0 = time.perf_counter()
        record = records_search(register=register, exact={"national_id": wanted}).first()
        found = record is not None and merged(record)["national_id"] == wanted
        timings.append((time.perf_counter() - t0) * 1000)
        if not found:
            raise RuntimeError("lookup missed a record it loaded")
    timings.sort()
    print(
        json.dumps(
            {
                "records": total,
                "load_per_s": round(total / load_seconds),
                "copy_per_s": round(total / copy_seconds),
                "lookup_p50_ms": round(statistics.median(timings), 2),
                "lookup_p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
            }
        )
    )


def run(quick: bool) -> dict[str, Any]:
    total = QUICK if quick else FULL
    with fresh_database("bench_registries") as url:
        env = server_env(url)
        # Generous: on a busy shared machine migrating every app can take minutes.
        manage(env, "migrate", "--no-input", "-v", "0", timeout=1800)
        out = python(
            env,
            f"from benchmarks.bench_registries import measure; measure({total})",
            timeout=3 * 3600,
        )
    result = json.loads(out.strip().splitlines()[-1])
    ratio = result["load_per_s"] / result["copy_per_s"]
    return {
        "rows": [
            {
                "scenario": "govdoor records_bulk_load",
                "records": result["records"],
                "records_per_s": result["load_per_s"],
            },
            {
                "scenario": "PostgreSQL COPY (baseline)",
                "records": result["records"],
                "records_per_s": result["copy_per_s"],
            },
            {
                "scenario": "exact lookup (blind index)",
                "records": result["records"],
                "p50_ms": result["lookup_p50_ms"],
                "p95_ms": result["lookup_p95_ms"],
            },
        ],
        "ratios": {"load_over_copy": round(ratio, 3)},
        "goals": {
            "load_over_copy >= 0.25": ratio >= 0.25,
            "lookup_p95_ms <= 10": result["lookup_p95_ms"] <= 10,
        },
    }
