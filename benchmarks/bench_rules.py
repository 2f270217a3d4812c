"""Rules P3: a proactive child-benefit scan of 1,000,000 synthetic residents, end to end,
beside the raw vectorised OpenFisca calculation of the same population; and per-household
`/api/v1/rules/{package}/calculate` requests/s under gunicorn beside a bare DRF endpoint.

The scan: residents and households live in the benchmark's own tables of a fresh
PostgreSQL database, loaded with COPY (not timed). Timed end to end: COPY out of the
households that consented and their members, the calculation with govdoor's
`rules.batch.batch_calculate` (one OpenFisca simulation per batch of households, package
demoland 2026.1 fixed for the whole scan), and the offers written with COPY, committed.
The baseline is `batch_calculate` alone on the same arrays, in one simulation: the limit.

Goal (issue 7): scan <= 10 s for 1,000,000 residents. `--quick`: 50,000 residents.
"""

from __future__ import annotations

import io
import time
from typing import Any

import numpy as np

from benchmarks.load import JourneyFailed, Result, Session, drive
from benchmarks.server import REPO, fresh_database, gunicorn, manage, python, server_env

VERSION = "2026.1"
PERIOD = "2026-03"
BATCH_HOUSEHOLDS = 250_000
CONSENT_SHARE = 0.8
THREADS = 8


# --- synthetic residents --------------------------------------------------------------------
def population(residents: int, seed: int = 7) -> dict[str, np.ndarray]:
    """Households of 1-2 adults and 0-4 children until `residents` people; deterministic."""
    rng = np.random.default_rng(seed)
    guess = residents // 2 + 10
    adults = rng.integers(1, 3, guess)
    children = rng.choice(5, guess, p=[0.45, 0.2, 0.2, 0.1, 0.05])
    sizes = adults + children
    keep = int(np.searchsorted(np.cumsum(sizes), residents, side="right"))
    adults, children, sizes = adults[:keep], children[:keep], sizes[:keep]
    households = len(sizes)
    person_household = np.repeat(np.arange(households), sizes)
    position = np.arange(len(person_household)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    is_child = position >= np.repeat(adults, sizes)
    ages = np.where(
        is_child, rng.integers(0, 22, len(is_child)), rng.integers(19, 90, len(is_child))
    )
    return {
        "person_household": person_household,
        "age": ages,
        "is_child": is_child,
        "income_cents": rng.integers(50_000, 600_000, households),
        "consent": rng.random(households) < CONSENT_SHARE,
    }


def _copy_in(conn: Any, table: str, columns: str, lines: list[str]) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for start in range(0, len(lines), 100_000):
            copy.write("".join(lines[start : start + 100_000]))


def load(conn: Any, pop: dict[str, np.ndarray]) -> None:
    conn.execute(
        "CREATE TABLE bench_households (id integer PRIMARY KEY, income_cents integer, "
        "consent boolean); CREATE TABLE bench_residents (id integer PRIMARY KEY, "
        "household integer, age integer, is_child boolean); CREATE TABLE bench_offers "
        "(household integer, benefit text, version text, amount numeric(12,2))"
    )
    h = len(pop["income_cents"])
    _copy_in(
        conn,
        "bench_households",
        "id, income_cents, consent",
        [
            f"{i}\t{c}\t{'t' if k else 'f'}\n"
            for i, c, k in zip(
                range(h), pop["income_cents"].tolist(), pop["consent"].tolist(), strict=True
            )
        ],
    )
    _copy_in(
        conn,
        "bench_residents",
        "id, household, age, is_child",
        [
            f"{i}\t{hh}\t{a}\t{'t' if c else 'f'}\n"
            for i, (hh, a, c) in enumerate(
                zip(
                    pop["person_household"].tolist(),
                    pop["age"].tolist(),
                    pop["is_child"].tolist(),
                    strict=True,
                )
            )
        ],
    )
    conn.execute("CREATE INDEX ON bench_residents (household)")
    conn.execute("ANALYZE")
    conn.commit()


# --- the scan -------------------------------------------------------------------------------
def _copy_out(conn: Any, columns: list[str], rest: str) -> np.ndarray:
    """COPY out `columns` (int4 expressions) of `SELECT ... rest` as one binary value.

    Why aggregated: COPY hands rows to the client one by one, which costs a Python call per
    row; packing every row's int4s into a single bytea server-side turns 800,000 rows into
    one COPY row that numpy reads in place (big-endian int4s, `columns` per row).
    """
    packed = " || ".join(f"int4send(({c})::int4)" for c in columns)
    sql = f"SELECT coalesce(string_agg({packed}, ''::bytea), ''::bytea) {rest}"
    buffer = io.BytesIO()
    with conn.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT binary)") as copy:
        for chunk in copy:
            buffer.write(chunk)
    data = buffer.getvalue()
    start = 11 + 4 + 4 + int.from_bytes(data[15:19], "big") + 2  # header, field count
    length = int.from_bytes(data[start : start + 4], "big")
    values = np.frombuffer(data[start + 4 : start + 4 + length], dtype=">i4")
    return values.astype(np.int64).reshape(-1, len(columns))


def scan(conn: Any, system: Any) -> dict[str, Any]:
    from govdoor.rules.batch import HouseholdBatch, batch_calculate

    t0 = time.perf_counter()
    households = _copy_out(conn, ["id", "income_cents"], "FROM bench_households WHERE consent")
    members = _copy_out(
        conn,
        ["r.household", "r.age", "r.is_child::int"],
        "FROM bench_residents r JOIN bench_households h ON h.id = r.household WHERE h.consent",
    )
    # Sorted here rather than by ORDER BY: numpy sorts 1,000,000 ints in milliseconds,
    # the database would spill the sort to disk with a default work_mem.
    households = households[np.argsort(households[:, 0], kind="stable")]
    members = members[np.argsort(members[:, 0], kind="stable")]
    t_read = time.perf_counter()
    index = np.searchsorted(households[:, 0], members[:, 0])
    income = households[:, 1] / 100.0
    amounts = np.zeros(len(households))
    bounds = np.searchsorted(
        index, np.arange(0, len(households) + BATCH_HOUSEHOLDS, BATCH_HOUSEHOLDS)
    )
    simulations = 0
    for b in range(len(bounds) - 1):
        lo, hi = bounds[b], bounds[b + 1]
        if lo == hi:
            continue
        first = index[lo]
        last = index[hi - 1] + 1
        batch = HouseholdBatch(
            person_household=index[lo:hi] - first,
            person_age=members[lo:hi, 1],
            person_is_child=members[lo:hi, 2].astype(bool),
            household_inputs={"household_income": income[first:last]},
        )
        amounts[first:last] = batch_calculate(system, "child_benefit", PERIOD, batch)
        simulations += 1
    t_calc = time.perf_counter()
    eligible = np.nonzero(amounts > 0)[0]
    lines = [
        f"{h}\tchild-benefit\t{VERSION}\t{a:.2f}\n"
        for h, a in zip(households[eligible, 0].tolist(), amounts[eligible].tolist(), strict=True)
    ]
    _copy_in(conn, "bench_offers", "household, benefit, version, amount", lines)
    conn.commit()
    t_end = time.perf_counter()
    return {
        "seconds": t_end - t0,
        "read_s": t_read - t0,
        "calc_s": t_calc - t_read,
        "write_s": t_end - t_calc,
        "households": len(households),
        "residents": len(members),
        "offers": len(eligible),
        "simulations": simulations,
        "arrays": (index, members, income),
    }


def raw_calculation(system: Any, arrays: tuple[np.ndarray, np.ndarray, np.ndarray]) -> float:
    from govdoor.rules.batch import HouseholdBatch, batch_calculate

    index, members, income = arrays
    batch = HouseholdBatch(
        person_household=index,
        person_age=members[:, 1],
        person_is_child=members[:, 2].astype(bool),
        household_inputs={"household_income": income},
    )
    t0 = time.perf_counter()
    batch_calculate(system, "child_benefit", PERIOD, batch)
    return time.perf_counter() - t0


def scan_benchmark(residents: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    import psycopg

    from govdoor.rules.packages import load_all, rule_packages

    load_all()
    system = rule_packages.get("demoland").system(VERSION)
    pop = population(residents)
    with (
        fresh_database("govdoor_bench_rules") as url,
        psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn,
    ):
        t0 = time.perf_counter()
        load(conn, pop)
        load_s = time.perf_counter() - t0
        done = scan(conn, system)
        raw_s = raw_calculation(system, done.pop("arrays"))
        stored = conn.execute("SELECT count(*) FROM bench_offers").fetchone()[0]
    if stored != done["offers"]:
        raise RuntimeError("offers written do not match the eligible households")
    rows = [
        {
            "scenario": f"scan end to end ({done['residents']:,} residents who consented)",
            "seconds": round(done["seconds"], 2),
            "residents/s": round(done["residents"] / done["seconds"]),
        },
        {
            "scenario": "raw vectorised OpenFisca (same population, one simulation)",
            "seconds": round(raw_s, 2),
            "residents/s": round(done["residents"] / raw_s),
        },
    ]
    details = {
        "population": residents,
        "consented_households": done["households"],
        "offers": done["offers"],
        "simulations": done["simulations"],
        "read_s": round(done["read_s"], 2),
        "calc_s": round(done["calc_s"], 2),
        "write_s": round(done["write_s"], 2),
        "load_with_copy_s_untimed": round(load_s, 1),
        "scan_vs_raw": round(done["seconds"] / raw_s, 2),
    }
    return rows, details


# --- the API ------------------------------------------------------------------------------
SEED = """
import datetime as dt, secrets
import django
django.setup()
from django.utils import timezone
from oauth2_provider.models import AccessToken
from govdoor.identity.agency import agency_client_create
from govdoor.organisations.models import Organisation
org = Organisation.objects.create(code="social", name="Social", level="central")
client, _ = agency_client_create(organisation=org, name="benefits system")
token = secrets.token_urlsafe(24)
AccessToken.objects.create(application=client.application, token=token, scope="rules",
    expires=timezone.now() + dt.timedelta(days=1))
print(token)
"""
HOUSEHOLD = {
    "persons": {"a": {"age": 38}, "b": {"age": 36}, "c": {"age": 9}, "d": {"age": 4}},
    "households": {
        "h": {
            "adults": ["a", "b"],
            "children": ["c", "d"],
            "household_income": 2100,
            "rent": 850,
            "child_benefit": None,
            "housing_allowance": None,
        }
    },
}


def _post(session: Session, path: str, token: str, body: dict[str, Any]) -> None:
    import http.client
    import json

    conn = http.client.HTTPConnection(session.host, session.port, timeout=30)
    try:
        conn.request(
            "POST",
            path,
            body=json.dumps(body),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
            },
        )
        response = conn.getresponse()
        text = response.read()
        session.requests += 1
        if response.status != 200:
            raise JourneyFailed(f"POST {path}: {response.status} {text[:200]!r}")
    finally:
        conn.close()


def api_benchmark(seconds: float, cap: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    with fresh_database("govdoor_bench_rules_api") as database_url:
        env = server_env(database_url, CELERY_TASK_ALWAYS_EAGER="0")
        manage(env, "migrate", "--no-input", "-v", "0", timeout=600)
        token = python(env, SEED).split()[-1]
        log = REPO / "var" / "bench" / "rules-gunicorn.log"
        with gunicorn(env, workers=2, log=log) as port:

            def scenario(label: str, journey: Any, secs: float = seconds) -> Result:
                return drive(
                    label,
                    host="127.0.0.1",
                    port=port,
                    journey=journey,
                    threads=THREADS,
                    seconds=secs,
                    max_journeys=cap,
                )

            path = f"/api/v1/rules/demoland/calculate?period={PERIOD}"

            def bare(session: Session) -> None:
                _post(session, "/bench/bare-api/", token, {"ok": True})

            def calc_trace(session: Session) -> None:
                _post(session, path, token, HOUSEHOLD)

            def calc(session: Session) -> None:
                _post(session, path + "&trace=false", token, HOUSEHOLD)

            scenario("warm-up", calc, secs=1.0)
            base = scenario("bare DRF endpoint (same token)", bare)
            plain = scenario("calculate 2 benefits, 1 household", calc)
            traced = scenario("calculate 2 benefits, 1 household, with trace", calc_trace)
    rows = [base.row(), plain.row(), traced.row()]
    ratios = {
        "calculate_vs_bare": round(plain.req_per_s / (base.req_per_s or 1), 3),
        "calculate_with_trace_vs_bare": round(traced.req_per_s / (base.req_per_s or 1), 3),
    }
    errors = {r.label: r.first_error for r in (base, plain, traced) if r.errors}
    return rows, {"ratios": ratios, "errors": errors}


def run(quick: bool) -> dict[str, Any]:
    residents = 50_000 if quick else 1_000_000
    scan_rows, scan_details = scan_benchmark(residents)
    api_rows, api = api_benchmark(4.0 if quick else 12.0, 3_000 if quick else 30_000)
    return {
        "rows": scan_rows,
        "scan": scan_details,
        "api_rows": api_rows,
        "ratios": {"scan_vs_raw_calculation": scan_details["scan_vs_raw"], **api["ratios"]},
        "goal": {"scan_seconds<=10": scan_rows[0]["seconds"] <= 10},
        "setup": {
            "scan": "fresh PostgreSQL, own tables loaded with COPY; COPY out, one simulation "
            f"per {BATCH_HOUSEHOLDS:,} households, offers with COPY",
            "api": "gunicorn, 2 sync workers, agency token, client threads "
            f"{THREADS}; client and server share the machine's 2 cores",
        },
        "errors": api["errors"],
    }
