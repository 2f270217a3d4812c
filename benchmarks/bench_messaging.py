"""P4: deadline reminders generated and delivered by 2 Celery workers on Redis, exactly once.

In a fresh PostgreSQL database (migrated), N people each get obligations due tomorrow with
one reminder due today (N = 100,000 reminders; 10,000 with quick) and a phone number with
only text messages wanted. Then, timed:
- generation: `reminders_due()` turns every due reminder into a Notification (outbox rows,
  in batches of 2,000 per transaction; set-based, see messaging/generate.py);
- publishing: when each batch commits, its notification ids go to a queue of their own on
  Redis (127.0.0.1:6379, BENCH_BROKER_URL) through the platform's own dispatch
  (`notify.notifications_dispatch`): `messaging.notification_send_batch` tasks of
  `notify.BATCH` ids, so the workers start on the first batch while later ones are generated;
- delivery: 2 `celery worker --pool=solo` processes run the tasks (claim, send to the demo
  SMS outbox, record the provider's answer) until the receiver (the demo outbox table) holds
  N entries.
Exactly-once is checked by counting at the receiver (must equal N) and that N notifications
are recorded as sent. The baseline, in the same run: the same number of messages of the same
size published to and consumed from Redis by kombu, with 2 consumer processes and no work.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/0")
PER_PERSON = 5


def run(quick: bool) -> dict[str, Any]:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from benchmarks.cpu import pid_seconds
    from benchmarks.server import fresh_database, manage, server_env

    total = 10_000 if quick else 100_000
    queue = f"bench-msg-{uuid.uuid4().hex[:8]}"
    with fresh_database("bench_messaging") as url:
        env = server_env(
            url,
            DJANGO_SETTINGS_MODULE="govdoor.conf.settings",
            CELERY_BROKER_URL=BROKER,
            CELERY_TASK_ALWAYS_EAGER="0",
            GOVDOOR_OUTBOX_RELAY_ON_COMMIT="0",
            GOVDOOR_SMS_CHANNEL="sms-demo",
            DB_CONN_MAX_AGE="600",
        )
        manage(env, "migrate", "--no-input", timeout=600)
        _child(env, "seed", str(total))
        workers = [_worker(env, queue, n) for n in range(2)]
        try:
            raw = json.loads(_child(env, "deliver", str(total), queue).splitlines()[-1])
            raw["worker_cpu_s"] = sum(pid_seconds(w.pid) for w in workers)
        finally:
            for w in workers:
                w.terminate()
            for w in workers:
                try:
                    w.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    w.kill()
        baseline = json.loads(_child(env, "baseline", str(total), queue + "-raw").splitlines()[-1])
    return _shape(total, raw, baseline)


def _shape(total: int, raw: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    rows = [
        {
            "scenario": "raw Redis publish (kombu, 1 producer)",
            "messages": total,
            "per_s": round(total / base["publish_s"]),
        },
        {
            "scenario": "raw Redis consume (kombu, 2 consumers, no work)",
            "messages": base["consumed"],
            "per_s": round(base["consumed"] / base["consume_s"]),
        },
        {
            "scenario": "reminders -> notifications (outbox rows, without publishing)",
            "messages": raw["generated"],
            "per_s": round(raw["generated"] / raw["generate_s"]),
        },
        {
            "scenario": f"publish as batch tasks ({raw.get('batch', '?')} ids each)",
            "messages": raw["published"],
            "per_s": round(raw["published"] / max(raw["publish_s"], 1e-6)),
        },
        {
            "scenario": "delivery by 2 Celery workers to the demo channel",
            "messages": raw["received"],
            "per_s": round(raw["received"] / raw["deliver_s"]),
        },
        {
            "scenario": "end to end (generation start to last receipt)",
            "messages": raw["received"],
            "per_s": round(raw["received"] / raw["end_to_end_s"]),
        },
    ]
    delivery = raw["received"] / raw["deliver_s"]
    end_to_end = raw["received"] / raw["end_to_end_s"]
    raw_consume = base["consumed"] / base["consume_s"]
    return {
        "rows": rows,
        "exactly_once": {
            "expected": total,
            "received_at_demo_outbox": raw["received"],
            "notifications_sent": raw["sent"],
            "ok": raw["received"] == total == raw["sent"],
        },
        "goal": {
            "per_s": 2000,
            "end_to_end_met": end_to_end >= 2000,
            "delivery_met": delivery >= 2000,
        },
        "ratios": {
            "delivery_over_raw_consume": round(delivery / raw_consume, 3),
            "end_to_end_over_raw_consume": round(end_to_end / raw_consume, 3),
        },
        # CPU time per message, which a busy shared machine disturbs far less than rates:
        # the generating process (generation + publishing) and both workers (PostgreSQL and
        # Redis not included).
        "cpu_us_per_message": {
            "generation": round(raw.get("generate_cpu_s", 0.0) / total * 1e6),
            "delivery_workers": round(raw.get("worker_cpu_s", 0.0) / total * 1e6),
        },
        "setup": {
            "broker": BROKER.split("@")[-1],
            "workers": "2 x celery --pool=solo",
            "database": "PostgreSQL (fresh)",
            "timed_out": raw.get("timed_out", False),
        },
    }


def _child(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench_messaging {args[0]} failed:\n{done.stderr[-4000:]}")
    return done.stdout.strip()


def _worker(env: dict[str, str], queue: str, n: int) -> subprocess.Popen[bytes]:
    log = ROOT / "var" / "bench" / f"messaging-worker-{n}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "govdoor",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-n",
            f"bench{n}-{queue}@%h",
            "--prefetch-multiplier",
            "64",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "WARNING",
        ],
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


# --- child side ---------------------------------------------------------------------------


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govdoor.conf.settings")
    django.setup()


def child_seed(total: int) -> None:
    import datetime as dt
    import secrets

    from govdoor.core import clock
    from govdoor.core.crypto import blind_index
    from govdoor.identity.models import Person
    from govdoor.messaging.models import ContactPoint, Obligation, Preference, Reminder
    from govdoor.organisations.models import Organisation

    org = Organisation.objects.create(
        code="bench-vehicles", name="Vehicle Authority", level="central"
    )
    today, now = clock.today(), clock.now()
    people_n = total // PER_PERSON
    people = Person.objects.bulk_create(
        [
            Person(
                national_id=f"B{n:09d}",
                national_id_index=blind_index(f"B{n:09d}", purpose="b"),
                given_name=f"Bench{n}",
                family_name="Person",
                birth_date=dt.date(1980, 1, 1),
            )
            for n in range(people_n)
        ],
        batch_size=2000,
    )
    ContactPoint.objects.bulk_create(
        [ContactPoint(person=p, kind="sms", value=f"+3247{n:07d}") for n, p in enumerate(people)],
        batch_size=2000,
    )
    Preference.objects.bulk_create(
        [
            Preference(person=p, channels=["sms"], calendar_token=secrets.token_urlsafe(16))
            for p in people
        ],
        batch_size=2000,
    )
    obligations = Obligation.objects.bulk_create(
        [
            Obligation(
                person=p,
                organisation=org,
                source="vehicles",
                source_ref=f"insp:{n}:{k}",
                title="Vehicle inspection",
                due_on=today + dt.timedelta(days=1),
                created_at=now,
            )
            for n, p in enumerate(people)
            for k in range(PER_PERSON)
        ],
        batch_size=2000,
    )
    Reminder.objects.bulk_create(
        [Reminder(obligation=o, days_before=1, remind_on=today) for o in obligations],
        batch_size=2000,
    )
    from django.db import connection

    with connection.cursor() as cursor:  # statistics, as a database in service has them
        cursor.execute("ANALYZE")
    print(json.dumps({"people": people_n, "reminders": len(obligations)}))


def child_deliver(total: int, queue: str) -> None:
    from django.db.models import Max, Min

    from govdoor.messaging.models import DemoOutboxEntry, Notification
    from govdoor.messaging.notify import BATCH, notifications_dispatch
    from govdoor.messaging.reminders import reminders_due

    # The platform's own dispatch (batch tasks of notify.BATCH ids, one broker connection),
    # run as in production when each generation batch commits, routed to the bench queue:
    # the workers deliver the first batches while later ones are still being generated.
    published = {"n": 0, "s": 0.0}

    def dispatch(ids: Sequence[str]) -> None:
        t = time.perf_counter()
        notifications_dispatch(ids, queue=queue)
        published["n"] += len(ids)
        published["s"] += time.perf_counter() - t

    _workers_ready(queue, count=2)
    t0, cpu0 = time.perf_counter(), time.process_time()
    generated = reminders_due(limit=2000, dispatch=dispatch)
    t_gen = t_pub = time.perf_counter()
    generate_cpu_s = time.process_time() - cpu0
    deadline = t_pub + (900 if total > 10_000 else 300)
    received = 0
    while time.perf_counter() < deadline:
        received = DemoOutboxEntry.objects.count()
        if received >= total:
            break
        time.sleep(0.2)
    t_done = time.perf_counter()
    time.sleep(1.0)  # anything arriving late would be a duplicate or a straggler: count it
    received = DemoOutboxEntry.objects.count()
    sent = Notification.objects.filter(status="sent").count()
    span = DemoOutboxEntry.objects.aggregate(first=Min("received_at"), last=Max("received_at"))
    # Workers start while generation still runs: the delivery rate is taken over the span
    # from the first to the last receipt at the demo outbox.
    deliver_s = (span["last"] - span["first"]).total_seconds() if span["first"] else 0.0
    print(
        json.dumps(
            {
                "generated": generated,
                "published": published["n"],
                "batch": BATCH,
                "generate_cpu_s": generate_cpu_s,
                "received": received,
                "sent": sent,
                "generate_s": t_gen - t0 - published["s"],
                "publish_s": published["s"],
                "deliver_s": max(deliver_s, 1e-6),
                "end_to_end_s": t_done - t0,
                "timed_out": received < total,
            }
        )
    )


def _workers_ready(queue: str, *, count: int, timeout: float = 300.0) -> None:
    """Wait until the bench workers answer a ping, so their start-up is not timed."""
    from govdoor.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0)
        names = {name for reply in replies for name in reply if queue in name}
        if len(names) >= count:
            return
    raise RuntimeError(f"bench workers for {queue} did not start within {timeout:.0f} s")


def child_baseline(total: int, queue: str) -> None:
    """Publish and consume `total` messages of the size of a notification_send task."""
    import multiprocessing as mp

    from kombu import Connection, Queue

    body = json.dumps([[], {"notification_id": str(uuid.uuid4())}, {}])
    q = Queue(queue, routing_key=queue)
    with Connection(BROKER) as conn:
        producer = conn.Producer(serializer="json")
        t0 = time.perf_counter()
        for _ in range(total):
            producer.publish(
                body,
                routing_key=queue,
                declare=[q],
                serializer="raw",
                content_type="application/json",
                content_encoding="utf-8",
            )
        publish_s = time.perf_counter() - t0
    counts: Any = mp.Queue()
    consumers = [mp.Process(target=_consume, args=(queue, counts)) for _ in range(2)]
    for c in consumers:
        c.start()
    for c in consumers:
        c.join(timeout=600)
    results = [counts.get(timeout=5) for _ in consumers]
    consumed = sum(r[0] for r in results)
    # From the first message taken to the last one acked (not the idle wait at the end).
    consume_s = max(r[2] for r in results) - min(r[1] for r in results if r[0])
    with Connection(BROKER) as conn:
        q(conn.channel()).delete()
    print(json.dumps({"publish_s": publish_s, "consume_s": consume_s, "consumed": consumed}))


def _consume(queue: str, counts: Any) -> None:

    from kombu import Connection, Queue

    seen, first, last = 0, 0.0, 0.0

    def on_message(body: Any, message: Any) -> None:
        nonlocal seen, first, last
        if not seen:
            first = time.time()
        seen += 1
        message.ack()
        last = time.time()

    with (
        Connection(BROKER) as conn,
        conn.Consumer(
            Queue(queue, routing_key=queue),
            callbacks=[on_message],
            prefetch_count=64,
            accept=["json", "application/json"],
        ),
    ):
        while True:
            try:
                conn.drain_events(timeout=1.0)
            except TimeoutError:
                break
    counts.put((seen, first, last))


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    _setup()
    mode, *rest = sys.argv[2:]
    if mode == "seed":
        child_seed(int(rest[0]))
    elif mode == "deliver":
        child_deliver(int(rest[0]), rest[1])
    elif mode == "baseline":
        child_baseline(int(rest[0]), rest[1])
