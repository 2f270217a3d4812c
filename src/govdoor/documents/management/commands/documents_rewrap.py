"""After rotating GOVDOOR_FIELD_KEYS: re-wrap document data keys with the new active key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from govdoor.documents.services import documents_rewrap


class Command(BaseCommand):
    help = "Re-wrap every document's data key with the active field key (blobs are unchanged)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"re-wrapped {documents_rewrap()} document keys")
