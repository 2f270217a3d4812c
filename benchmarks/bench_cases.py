"""P5: a case worker's filtered queue over 1,000,000 cases, beside a bare indexed SELECT.

A fresh PostgreSQL database (migrated); 1,000,000 cases (50,000 with `--quick`) COPY'd in,
deterministically: 120 organisations, the busiest (a capital's council) holding a fifth of
them, a quarter of all cases still open, a few case workers per organisation. Then, for the
busiest organisation, each scenario is one queue page as the back office builds it
(`cases.selectors.case_queue` + Django's Paginator: a COUNT and a page of 25 rows with the
service and assignee joined), on random pages among the first 20, 300 times (100 quick):

- **open queue** (the default: open cases, soonest deadline first);
- **assigned to me**; **overdue, one service**; **reference search** (prefix);
- **bare SELECT (baseline)**: the same first page (25 rows of the open queue) as one raw
  SQL statement on the same index, without COUNT or joins.

Goal (issue 6): queue p95 <= 200 ms. Ratios are each scenario's p95 over the bare SELECT's.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from benchmarks.server import fresh_database, manage, python, server_env

FULL, QUICK = 1_000_000, 50_000
ORGS = 120
PEOPLE = 20_000
SERVICES = 30
WORKERS_PER_ORG = 4
BATCH = 50_000
OPEN = ("triage", "submitted", "in_review", "waiting")
CLOSED = ("decided", "closed", "appealed")


def _uuid(kind: int, n: int) -> str:
    return str(uuid.UUID(int=(0x01900000 << 96) | (kind << 64) | n))


def _org_of(n: int) -> int:
    # A fifth of the cases at organisation 0, the rest spread over the others.
    return 0 if n % 5 == 0 else 1 + (n * 7919) % (ORGS - 1)


def _case_cells(n: int, base: float) -> tuple[Any, ...]:
    import datetime as dt

    org = _org_of(n)
    is_open = n % 4 == 0
    status = OPEN[(n // 4) % len(OPEN)] if is_open else CLOSED[n % len(CLOSED)]
    opened = dt.datetime.fromtimestamp(base - (n % 400) * 86400 - n % 86400, dt.UTC)
    due = opened + dt.timedelta(days=14 + n % 30)
    assignee = _uuid(3, org * WORKERS_PER_ORG + (n // 3) % WORKERS_PER_ORG) if n % 3 else None
    decided = None if is_open else (opened + dt.timedelta(days=5)).isoformat()
    return (
        _uuid(9, n),
        f"GD-{2000 + n // 900_000}-{n % 900_000 + 1:06d}",
        _uuid(2, (org + n) % SERVICES),
        _uuid(1, org),
        _uuid(4, n % PEOPLE),
        "Case",
        status,
        "" if is_open else "granted",
        '{"income": {"value": 1200, "source": {"declared": true}}}',
        "application",
        f"bench-{n}",
        assignee,
        opened.isoformat(),
        due.isoformat(),
        opened.isoformat(),
        "f",
        "",
        "",
        decided,
        "",
        "",
        "f",
    )


CASE_COLUMNS = [
    "id", "reference", "service_id", "organisation_id", "applicant_id", "title", "status",
    "outcome", "answers", "source", "source_ref", "assignee_id", "opened_at", "due_at",
    "updated_at", "needs_review", "review_note", "info_request", "decided_at",
    "decision_reason", "decision_ref", "automated",
]  # fmt: skip


def _seed(total: int) -> None:
    import time

    from django.db import connection

    from govdoor.registries.bulk import copy_rows

    now = "2026-11-23T12:00:00+00:00"
    copy_rows(
        "organisations_organisation",
        ["id", "code", "name", "level", "website", "logo", "is_active", "created_at"],
        (
            (_uuid(1, o), f"org-{o}", f"Organisation {o}", "local", "", "", "t", now)
            for o in range(ORGS)
        ),
    )
    copy_rows(
        "catalogue_service",
        ["id", "code", "kind", "owner_id", "competent_level", "name_en", "name_fr", "summary_en",
         "summary_fr", "eligibility_en", "eligibility_fr", "fee_note_en", "fee_note_fr", "fee",
         "loa", "sla_days", "legal_basis", "channels", "keywords", "status", "version",
         "updated_at"],
        ((_uuid(2, s), f"svc-{s}", "", _uuid(1, s % ORGS), "local", f"Service {s}", "", "x",
          "", "", "", "", "", "0", 2, 20, "", "[]", "", "published", 1, now)
         for s in range(SERVICES)),
    )  # fmt: skip
    copy_rows(
        "identity_user",
        ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
         "is_staff", "is_active", "date_joined", "preferred_language"],
        ((_uuid(3, u), "!", "f", f"worker-{u}", "", "", "", "f", "t", now, "en")
         for u in range(ORGS * WORKERS_PER_ORG)),
    )  # fmt: skip
    copy_rows(
        "identity_person",
        ["id", "national_id", "national_id_index", "given_name", "family_name", "birth_date",
         "sex", "language", "disability", "created_at"],
        ((_uuid(4, p), "sealed", f"bench-{p}", "Ada", "Martin", "1980-01-01", "F", "en", "f", now)
         for p in range(PEOPLE)),
    )  # fmt: skip
    base = time.time()
    for start in range(0, total, BATCH):
        stop = min(total, start + BATCH)
        copy_rows("cases_case", CASE_COLUMNS, (_case_cells(n, base) for n in range(start, stop)))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_case")


def _p(timings: list[float], q: float) -> float:
    ordered = sorted(timings)
    return round(ordered[max(0, int(len(ordered) * q) - 1)], 2)


def measure(total: int, samples: int) -> None:
    """Runs inside a migrated fresh database (a subprocess); prints one JSON line."""
    import random
    import time

    import django

    django.setup()
    from django.core.paginator import Paginator
    from django.db import connection

    from govdoor.cases.selectors import QueueFilter, case_queue
    from govdoor.identity.models import User
    from govdoor.organisations.models import Organisation

    t0 = time.perf_counter()
    connection.set_autocommit(True)
    _seed(total)
    seed_seconds = time.perf_counter() - t0
    org = Organisation.objects.get(pk=_uuid(1, 0))
    me = User.objects.get(pk=_uuid(3, 1))
    rng = random.Random(5)
    scenarios = {
        "open queue": QueueFilter(),
        "assigned to me": QueueFilter(assignee="me"),
        "overdue, one service": QueueFilter(overdue=True, service=_uuid(2, 0)),
        "reference search": QueueFilter(q="GD-2000-0012", status="all"),
    }
    results: dict[str, Any] = {}
    for label, filters in scenarios.items():
        timings, rows = [], 0
        for _ in range(samples):
            page_number = rng.randint(1, 20)
            t1 = time.perf_counter()
            page = Paginator(case_queue(organisation=org, user=me, filters=filters), 25).get_page(
                page_number
            )
            listed = [
                (c.reference, c.service.name, getattr(c.assignee, "username", "")) for c in page
            ]
            timings.append((time.perf_counter() - t1) * 1000)
            rows = page.paginator.count
        if not listed and label == "open queue":
            raise RuntimeError("the open queue came back empty")
        results[label] = {"p50": _p(timings, 0.5), "p95": _p(timings, 0.95), "matching": rows}
    bare = (
        "SELECT id, reference, status, due_at, service_id, assignee_id FROM cases_case "
        "WHERE organisation_id = %s AND status IN ('triage','submitted','in_review','waiting') "
        "ORDER BY due_at ASC NULLS LAST, id LIMIT 25 OFFSET %s"
    )
    timings = []
    with connection.cursor() as cursor:
        for _ in range(samples):
            offset = (rng.randint(1, 20) - 1) * 25
            t1 = time.perf_counter()
            cursor.execute(bare, [org.pk, offset])
            cursor.fetchall()
            timings.append((time.perf_counter() - t1) * 1000)
        cursor.execute("EXPLAIN " + bare, [org.pk, 0])
        plan = " / ".join(row[0].strip() for row in cursor.fetchall()[:3])
    results["bare SELECT (baseline)"] = {"p50": _p(timings, 0.5), "p95": _p(timings, 0.95)}
    print(
        json.dumps(
            {"cases": total, "seed_s": round(seed_seconds, 1), "results": results, "plan": plan}
        )
    )


def run(quick: bool) -> dict[str, Any]:
    total = QUICK if quick else FULL
    samples = 100 if quick else 300
    with fresh_database("bench_cases") as url:
        env = server_env(url)
        manage(env, "migrate", "--no-input", "-v", "0", timeout=900)
        out = python(
            env,
            f"from benchmarks.bench_cases import measure; measure({total}, {samples})",
            timeout=3 * 3600,
        )
    result = json.loads(out.strip().splitlines()[-1])
    bare = result["results"]["bare SELECT (baseline)"]["p95"] or 0.01
    rows = [
        {"scenario": label, "cases": result["cases"], **numbers}
        for label, numbers in result["results"].items()
    ]
    queue_p95 = max(v["p95"] for k, v in result["results"].items() if "baseline" not in k)
    return {
        "rows": rows,
        "ratios": {
            f"{label} p95 / bare p95": round(v["p95"] / bare, 1)
            for label, v in result["results"].items()
            if "baseline" not in label
        },
        "setup": {"seed_seconds": result["seed_s"], "bare_plan": result["plan"]},
        "goals": {"queue p95 <= 200 ms": queue_p95 <= 200},
    }
