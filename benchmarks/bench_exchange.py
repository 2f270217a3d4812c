"""Exchange P1: answering a data request for 10 fields from 3 registers (policy check, one
ledger entry per register read: each holds one record about the person) under gunicorn (2
workers) on PostgreSQL, beside a bare DRF endpoint that authenticates the same agency token.

Goal (issue 5): >= 300 requests/s, p95 <= 50 ms, >= 50% of the bare endpoint's rate.
"""

from __future__ import annotations

import http.client
import json
import random
from typing import Any

from benchmarks.cpu import CpuTally
from benchmarks.load import JourneyFailed, Result, Session, drive, merged
from benchmarks.server import REPO, fresh_database, gunicorn, manage, python, server_env

PEOPLE = 50
BARE = "bare DRF endpoint (same token)"
ASK = "data request: 10 fields, 3 registers, 3 ledger entries"
THREADS = 8
FIELDS = [
    "population.given_name",
    "population.family_name",
    "population.birth_date",
    "population.street",
    "population.postcode",
    "population.town",
    "vehicles.plate",
    "vehicles.make",
    "vehicles.year",
    "income.taxable_income",
]

SEED = """
import datetime as dt, secrets
import django
django.setup()
from django.utils import timezone
from oauth2_provider.models import AccessToken
from govdoor.exchange.models import AccessPolicy
from govdoor.exchange.services import purpose_create
from govdoor.identity.agency import agency_client_create
from govdoor.identity.models import Person
from govdoor.identity.selectors import national_id_index
from govdoor.organisations.models import Organisation
from govdoor.registries.selectors import Caller
from govdoor.registries.services import record_create, register_create

S = {{"type": "string"}}
def org(code):
    return Organisation.objects.create(code=code, name=code.title(), level="central")
civil, transport, revenue, tax = org("civil"), org("transport"), org("revenue"), org("tax")
def schema(**props):
    return {{"type": "object", "additionalProperties": False, "properties": props}}
population = register_create(organisation=civil, code="population", name="Population",
    json_schema=schema(person_id=S, given_name=S, family_name=S, birth_date=S, street=S,
                       postcode=S, town=S),
    personal_fields=["person_id", "given_name", "family_name", "birth_date", "street"],
    subject_field="person_id", subject_kind="person", key_field="person_id")
vehicles = register_create(organisation=transport, code="vehicles", name="Vehicles",
    json_schema=schema(plate=S, make=S, year={{"type": "integer"}}, owner_id=S),
    personal_fields=["owner_id"], subject_field="owner_id", subject_kind="person",
    key_field="plate")
income = register_create(organisation=revenue, code="income", name="Income",
    json_schema=schema(person_id=S, taxable_income={{"type": "integer"}}),
    personal_fields=["person_id", "taxable_income"], subject_field="person_id",
    subject_kind="person", key_field="person_id")
ids = []
for n in range({count}):
    nid = str(700000000 + n)
    p = Person.objects.create(national_id=nid, national_id_index=national_id_index(nid),
        given_name=f"Bench{{n}}", family_name="Person", birth_date=dt.date(1980, 1, 1))
    pid = str(p.pk)
    ids.append(pid)
    record_create(register=population, actor=Caller(organisation=civil, is_agency=True),
        data=dict(person_id=pid, given_name=p.given_name, family_name="Person",
                  birth_date="1980-01-01", street="High Street 1", postcode="1000",
                  town="Demopolis"))
    record_create(register=vehicles, actor=Caller(organisation=transport, is_agency=True),
        data=dict(plate=f"BE-{{n:05d}}", make="Volvo", year=2010, owner_id=pid))
    record_create(register=income, actor=Caller(organisation=revenue, is_agency=True),
        data=dict(person_id=pid, taxable_income=30000 + n))
purpose = purpose_create(code="tax-assessment", name="Tax assessment",
    description="Work out income tax.", legal_basis="Income Tax Act s. 12",
    allowed_fields={fields!r}, retention_days=365, requesting_organisations=[tax],
    mandatory=True)
by_register = {{}}
for item in {fields!r}:
    code, name = item.split(".")
    by_register.setdefault(code, []).append(name)
for code, names in by_register.items():
    keeper = {{"population": civil, "vehicles": transport, "income": revenue}}[code]
    AccessPolicy.objects.create(purpose=purpose, requester=tax, keeper=keeper,
        register_code=code, fields=names, valid_from=dt.date(2020, 1, 1), status="approved")
client, _ = agency_client_create(organisation=tax, name="tax system")
token = secrets.token_urlsafe(24)
AccessToken.objects.create(application=client.application, token=token, scope="exchange",
    expires=timezone.now() + dt.timedelta(days=1))
print(token)
print("\\n".join(ids))
"""


COUNT = """
import django
django.setup()
from govdoor.ledger.selectors import tree_size
from govdoor.ledger.services import ledger_sequence_all
ledger_sequence_all()
print(tree_size())
"""


def _post(session: Session, path: str, token: str, body: dict[str, Any]) -> str:
    """POST JSON with the agency's bearer token; counts as one request of the session."""
    conn = http.client.HTTPConnection(session.host, session.port, timeout=30)
    try:
        conn.request(
            "POST",
            path,
            body=json.dumps(body),
            headers={
                "Host": f"{session.host}:{session.port}",
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
            },
        )
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        session.requests += 1
        if response.status != 200:
            raise JourneyFailed(f"POST {path}: {response.status} {text[:200]}")
        return text
    finally:
        conn.close()


def run(quick: bool) -> dict[str, Any]:
    seconds = 4.0 if quick else 12.0
    rounds = 4 if quick else 6
    cap = 3_000 if quick else 30_000
    rng = random.Random(11)
    with fresh_database("govdoor_bench_exchange") as database_url:
        # As in production: the request queues its ledger entries and the sequencer runs
        # apart (Celery beat); tasks go to the in-memory broker, not run inline.
        env = server_env(database_url, CELERY_TASK_ALWAYS_EAGER="0")
        manage(env, "migrate", "--no-input", "-v", "0")
        token, *people = python(env, SEED.format(count=PEOPLE, fields=FIELDS)).split()
        log = REPO / "var" / "bench" / "exchange-gunicorn.log"
        with gunicorn(env, workers=2, log=log) as port:
            tally = CpuTally(f"127.0.0.1:{port}")

            def slice_of(label: str, journey: Any, seconds: float, cap: int) -> Result:
                with tally.measure(label):
                    return drive(
                        label,
                        host="127.0.0.1",
                        port=port,
                        journey=journey,
                        threads=THREADS,
                        seconds=seconds,
                        max_journeys=cap,
                    )

            def bare(session: Session) -> None:
                _post(session, "/bench/bare-api/", token, {"ok": True})

            def ask(session: Session) -> None:
                text = _post(
                    session,
                    "/api/v1/exchange/requests",
                    token,
                    {"subject": rng.choice(people), "purpose": "tax-assessment", "fields": FIELDS},
                )
                data = json.loads(text)["data"]
                if len(data) != 3 or "taxable_income" not in data["income"][0]:
                    raise JourneyFailed("the answer does not carry the 10 fields")

            slice_of("warm-up", bare, 1.0, cap)
            warm = slice_of("warm-up", ask, 1.0, cap)
            # Interleaved slices: this machine's speed drifts by tens of percent within
            # seconds, and a drift then slows the baseline and the request alike.
            labels = (BARE, ASK)
            slices: dict[str, list[Result]] = {label: [] for label in labels}
            for _round in range(rounds):
                for label, journey in zip(labels, (bare, ask), strict=True):
                    slices[label].append(slice_of(label, journey, seconds / rounds, cap // rounds))
            base, asked = (merged(label, slices[label]) for label in labels)
        entries = int(python(env, COUNT).split()[-1])
    rows = [base.row(), asked.row()]
    asked_row = rows[1]
    return {
        "rows": rows,
        "ratios": {
            "request_req_per_s_vs_bare_api": round(asked.req_per_s / (base.req_per_s or 1), 3)
        },
        "ledger": {
            "entries_written": entries,
            "expected_3_per_answer": 3 * (warm.journeys + asked.journeys),
        },
        "cpu_us_per_request": {
            r.label: tally.per_request(r.label, r.requests) for r in (base, asked)
        },
        "goal": {
            "req_per_s>=300": asked.req_per_s >= 300,
            "p95_ms<=50": _p95_ms(asked_row) <= 50,
            ">=50%_of_bare": asked.req_per_s >= 0.5 * base.req_per_s,
        },
        "setup": {
            "server": "gunicorn, 2 sync workers",
            "database": "PostgreSQL (fresh)",
            "client_threads": THREADS,
            "seconds_per_scenario": seconds,
            "slices_per_scenario": rounds,
            "people": PEOPLE,
            "note": "client and server share the machine's cores; "
            "entries queued in the request, sequenced after the run",
        },
        "errors": {r.label: r.first_error for r in (base, asked) if r.errors},
    }


def _p95_ms(row: dict[str, Any]) -> float:
    for key, value in row.items():
        if "p95" in key:
            return float(value)
    return float("inf")
