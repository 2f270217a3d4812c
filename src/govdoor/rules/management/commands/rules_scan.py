"""`manage.py rules_scan --benefit child-benefit`: a proactive scan, now, in this process."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govdoor.core.errors import DomainError
from govdoor.rules import scan


class Command(BaseCommand):
    help = "Scan everyone who consented to proactive checks for one benefit; offer it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--benefit", required=True, help="service code, e.g. child-benefit")
        parser.add_argument("--batch-size", type=int, default=scan.BATCH_SIZE)
        parser.add_argument("--resume", help="id of an interrupted scan to finish")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["resume"]:
                scan_id = options["resume"]
            else:
                scan_id = scan.scan_start(service_code=options["benefit"]).pk
            done = scan.scan_run(scan_id=scan_id, batch_size=options["batch_size"])
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(
            f"scan {done.pk}: {done.status}, version {done.version}, "
            f"{done.scanned} people scanned, {done.offers} offers"
        )
