"""`manage.py registers_purge [CODE] [--dry-run]`: erase what is past a register's retention."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govdoor.core.errors import DomainError
from govdoor.registries.models import Register
from govdoor.registries.retention import PurgeReport, records_purge
from govdoor.registries.selectors import register_get


class Command(BaseCommand):
    help = (
        "Erase deleted records and superseded versions past their register's retention "
        "(ledgered as erase, announced as events). Idempotent; batched."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("code", nargs="?", default=None, help="one register (default: all)")
        parser.add_argument("--register-version", dest="register_version", default=None)
        parser.add_argument("--batch-size", dest="batch_size", type=int, default=500)
        parser.add_argument("--dry-run", action="store_true", help="count, erase nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        register = None
        if options["code"]:
            try:
                register = register_get(code=options["code"], version=options["register_version"])
            except DomainError as exc:
                raise CommandError(exc.detail) from None

        def progress(current: Register, report: PurgeReport) -> None:
            self.stdout.write(
                f"{current.code} {current.version}: {report.records} record(s), "
                f"{report.versions} version(s) so far"
            )

        report = records_purge(
            register=register,
            batch_size=options["batch_size"],
            dry_run=options["dry_run"],
            progress=progress,
        )
        verb = "would be erased" if report.dry_run else "erased"
        self.stdout.write(
            f"{report.registers} register(s) with a retention period: {report.records} "
            f"deleted record(s) and {report.versions} superseded version(s) {verb}; "
            f"{report.ledger_entries} ledger entries."
        )
