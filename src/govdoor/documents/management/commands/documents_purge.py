"""Delete abandoned uploads (never attached to a case) and orphaned blobs. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from govdoor.documents.services import abandoned_days, documents_purge


class Command(BaseCommand):
    help = (
        "Delete uploads not attached to any case after GOVDOOR_DOCUMENTS_ABANDONED_DAYS days, "
        "and stored blobs no document names any more."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"age in days (default: the setting, now {abandoned_days()})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is not None and days < 0:
            self.stderr.write("--days must be 0 or more")
            raise SystemExit(2)
        report = documents_purge(days=days)
        self.stdout.write(
            f"purged {report.documents} abandoned documents, {report.orphan_blobs} orphan blobs"
        )
