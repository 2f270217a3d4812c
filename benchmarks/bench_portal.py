"""Portal throughput: "sign in + My govdoor" under gunicorn (2 workers) on PostgreSQL,
reported beside a bare Django view served by the same server in the same run.

Why beside a baseline: absolute requests per second depend on the machine; the ratio to
the least a Django view can do says how much govdoor's own work costs, and is comparable
between runs on different machines.
"""

from __future__ import annotations

import random
import re
from typing import Any

from benchmarks.load import Journey, JourneyFailed, Result, Session, drive
from benchmarks.server import REPO, fresh_database, gunicorn, manage, python, server_env

PEOPLE = 20
THREADS = 8
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

SEED = """
import datetime as dt
import django
django.setup()
from govdoor.identity.models import Person
from govdoor.identity.national_id import national_id_generate
from govdoor.identity.selectors import national_id_index
people = []
for n in range({count}):
    nid = national_id_generate(900_000 + n)
    people.append(Person(national_id=nid, national_id_index=national_id_index(nid),
                         given_name=f"Bench{{n}}", family_name="Person",
                         birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=n)))
Person.objects.bulk_create(people)
print("\\n".join(str(p.pk) for p in people))
"""


def _sign_in(session: Session, person_id: str) -> None:
    _, form = session.expect("GET", "/sign-in/demo/?next=/my/&loa=2", 200)
    match = _CSRF.search(form)
    if not match:
        raise JourneyFailed("the demo sign-in page has no CSRF token")
    headers, _ = session.expect(
        "POST",
        "/sign-in/demo/",
        302,
        form={
            "csrfmiddlewaretoken": match.group(1),
            "person": person_id,
            "loa": "2",
            "next": "/my/",
        },
    )
    if not headers.get("location", "").endswith("/my/"):
        raise JourneyFailed(f"sign-in went to {headers.get('location')!r}, not /my/")


def _my_page(session: Session) -> None:
    _, page = session.expect("GET", "/my/", 200)
    if "Bench" not in page:
        raise JourneyFailed("My govdoor does not show the signed-in person")


def _bare(session: Session) -> None:
    session.expect("GET", "/bench/bare/", 200)


def run(quick: bool) -> dict[str, Any]:
    seconds = 4.0 if quick else 12.0
    cap = 2_000 if quick else 20_000
    rng = random.Random(7)
    with fresh_database("govdoor_bench") as database_url:
        env = server_env(database_url)
        manage(env, "migrate", "--no-input", "-v", "0")
        people = python(env, SEED.format(count=PEOPLE)).split()
        log = REPO / "var" / "bench" / "portal-gunicorn.log"
        with gunicorn(env, workers=2, log=log) as port:

            def scenario(
                label: str,
                journey: Journey,
                *,
                setup: Journey | None = None,
                seconds: float = seconds,
                max_journeys: int = cap,
            ) -> Result:
                return drive(
                    label,
                    host="127.0.0.1",
                    port=port,
                    journey=journey,
                    setup=setup,
                    threads=THREADS,
                    seconds=seconds,
                    max_journeys=max_journeys,
                )

            def sign_in_and_look(session: Session) -> None:
                session.cookies.clear()  # a new visitor each time
                _sign_in(session, rng.choice(people))
                _my_page(session)

            # Warm up both workers (template and URL caches, database connections).
            scenario("warm-up", _bare, seconds=1.0, max_journeys=200)
            bare = scenario("bare Django view", _bare)
            journey = scenario(
                "sign-in + My govdoor (3 requests)", sign_in_and_look, max_journeys=cap // 3
            )
            my_page = scenario(
                "My govdoor, signed in", _my_page, setup=lambda s: _sign_in(s, rng.choice(people))
            )
    results = [bare, journey, my_page]
    baseline = bare.req_per_s or 1.0
    return {
        "rows": [r.row() for r in results],
        "ratios": {
            "sign_in_journey_req_per_s_vs_bare": round(journey.req_per_s / baseline, 3),
            "my_page_req_per_s_vs_bare": round(my_page.req_per_s / baseline, 3),
        },
        "setup": {
            "server": "gunicorn, 2 sync workers",
            "database": "PostgreSQL (fresh)",
            "client_threads": THREADS,
            "seconds_per_scenario": seconds,
            "people": PEOPLE,
            "note": "client and server share the machine's cores",
        },
        "errors": {r.label: r.first_error for r in results if r.errors},
    }
