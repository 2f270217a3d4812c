"""Run the ledger's sequencer once, or in a loop (when no Celery beat runs it)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from govdoor.ledger import services


class Command(BaseCommand):
    help = "Integrate queued data-use ledger entries into the tree and sign a checkpoint."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between runs")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            done = services.ledger_sequence_all()
            self.stdout.write(f"integrated {done} entries")
            if not options["loop"]:
                return
            time.sleep(max(options["interval"], 0.05))
