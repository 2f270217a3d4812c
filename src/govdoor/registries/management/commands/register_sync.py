"""`manage.py register_sync CODE`: pull a remote register (adapter "remote") into govdoor."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govdoor.core.errors import DomainError
from govdoor.registries.imports import register_remote_sync
from govdoor.registries.selectors import Caller, register_get


class Command(BaseCommand):
    help = "Read a register kept in a legacy system over HTTP and upsert its records."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("code")
        parser.add_argument("--register-version", dest="register_version", default=None)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            register = register_get(code=options["code"], version=options["register_version"])
            report = register_remote_sync(
                register=register,
                dry_run=options["dry_run"],
                actor=Caller(organisation=register.organisation, is_agency=True),
            )
        except DomainError as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(
            f"{report.total} rows: {report.created} created, {report.updated} "
            f"updated, {report.unchanged} unchanged, {len(report.errors)} bad"
        )
