"""A relay process for the crash tests: `python relay_child.py [--crash-in-batch K |
--crash-in-delivery N] [--later SECONDS]`.

It registers an idempotent consumer of `test.crash` events whose effect (a receipt row,
written as an outbox event of topic `test.crash.receipt`) commits with its delivery, runs
`manage.py outbox_relay --once --inline`, and can kill itself with SIGKILL at a chosen point:
- `--crash-in-batch K`: while the K-th event overall is being relayed, before that batch
  commits (deliveries of earlier batches have already run);
- `--crash-in-delivery N`: inside the N-th consumer call, before its delivery commits.
`--later S` runs the relay with the clock S seconds ahead (backoff of the crashed run has passed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
from typing import Any

import django

TOPIC = "test.crash"
RECEIPT_TOPIC = "test.crash.receipt"
CONSUMER_ID = "test.crash-receipts"


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--crash-in-batch", type=int, default=0)
    parser.add_argument("--crash-in-delivery", type=int, default=0)
    parser.add_argument("--later", type=float, default=0)
    parser.add_argument("--batch-size", type=int, default=5)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govdoor.conf.settings")
    django.setup()
    from django.core.management import call_command

    from govdoor.core import clock, services
    from govdoor.core.events import subscribe
    from govdoor.core.models import OutboxEvent

    calls = {"n": 0}

    @subscribe(TOPIC, consumer_id=CONSUMER_ID)
    def record_receipt(event: OutboxEvent) -> None:
        OutboxEvent.objects.create(
            topic=RECEIPT_TOPIC, payload={"event_id": str(event.id)}, occurred_at=clock.now()
        )
        calls["n"] += 1
        if calls["n"] == args.crash_in_delivery:
            _die()  # the receipt above is written but not committed

    if args.crash_in_batch:
        real = services.metrics.EVENTS_PUBLISHED
        relayed = {"n": 0}

        class CrashingCounter:
            """Stands in for the relay's per-event counter, which runs inside the batch's
            transaction after its deliveries are written and before it commits."""

            def labels(self, *labels: Any) -> Any:
                relayed["n"] += 1
                if relayed["n"] == args.crash_in_batch:
                    _die()
                return real.labels(*labels)

        services.metrics.EVENTS_PUBLISHED = CrashingCounter()  # type: ignore[assignment]

    moment = clock.now() + dt.timedelta(seconds=args.later)
    with clock.frozen_at(moment):
        call_command("outbox_relay", "--once", "--inline", "--batch-size", str(args.batch_size))


if __name__ == "__main__":
    main()
