"""`manage.py outbox_relay`: run the outbox relay from a shell or a service unit.

Why a command beside the Celery beat task: operators need to drain the outbox by hand
(after an incident, or where no beat runs), and `--inline` delivers in this process when no
worker is up. Safe to run next to the beat task: batches lock their rows (SKIP LOCKED on
PostgreSQL) and each (event, consumer) delivery runs at most once.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from govdoor.core import services


class Command(BaseCommand):
    help = "Relay outbox events to their consumers (loop; --once for a single pass)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between passes.")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--inline",
            action="store_true",
            help="Run the deliveries in this process instead of sending them to Celery.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dispatch = _deliver_inline if options["inline"] else None
        while True:
            redispatched = services.deliveries_redispatch(dispatch=dispatch)
            relayed = services.outbox_relay(batch_size=options["batch_size"], dispatch=dispatch)
            if relayed or redispatched or options["verbosity"] > 1:
                self.stdout.write(f"relayed {relayed} event(s), redispatched {redispatched}")
            if options["once"]:
                return
            time.sleep(options["interval"])


def _deliver_inline(delivery_id: int) -> None:
    services.event_delivery_run(delivery_id=delivery_id)
