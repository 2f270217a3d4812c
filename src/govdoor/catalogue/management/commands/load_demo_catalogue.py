"""`manage.py load_demo_catalogue`: the demo catalogue (safe to run again: adds what is missing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from govdoor.catalogue.demo import demo_catalogue_load


class Command(BaseCommand):
    help = "Load the demo service catalogue (needs the demo country's organisations)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = demo_catalogue_load()
        created = ", ".join(f"{name} {count}" for name, count in report.items())
        self.stdout.write(f"Demo catalogue loaded: {created}.")
