"""`manage.py cases_escalate`: mark cases past their deadline (the beat task does the same)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from govdoor.cases.handling import cases_escalate


class Command(BaseCommand):
    help = "Escalate open cases past their processing deadline (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = cases_escalate()
        self.stdout.write(f"{count} case(s) escalated")
