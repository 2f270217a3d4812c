"""`manage.py load_demo_country`: the seeded demo country (safe to run again: adds nothing)."""

from __future__ import annotations

import datetime as dt
import sys
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govdoor.demo.generator import DEFAULT_PEOPLE, DEFAULT_SEED, DEMO_AS_OF
from govdoor.demo.services import demo_country_load


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Load the demo country: areas, organisations, people, businesses and staff."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
        )
        parser.add_argument(
            "--people",
            type=int,
            default=DEFAULT_PEOPLE,
            help=f"number of persons (default {DEFAULT_PEOPLE})",
        )
        parser.add_argument(
            "--as-of",
            type=_date,
            default=None,
            help=f"the day ages are counted from (default {DEMO_AS_OF})",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="no progress bar (also off when stderr is not a terminal)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 1:
            raise CommandError("--people must be at least 1")
        progress = not options["no_progress"] and sys.stderr.isatty()
        report = demo_country_load(
            seed=options["seed"],
            people=options["people"],
            progress=progress,
            as_of=options["as_of"],
        )
        if report.created == 0:
            self.stdout.write("The demo country is already loaded; nothing changed.")
        else:
            counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report.as_dict().items())
            self.stdout.write(self.style.SUCCESS(f"Demo country loaded: {counts}."))
        self._load_domains(progress)

    def _load_domains(self, progress: bool) -> None:
        """Each domain fills its own demo data from the people and organisations just loaded.

        Why here and not in demo_country_load: the demo country is identity and organisations
        only; registers, the catalogue and the exchange build on it, in this order, and each
        loader is idempotent (a second run creates nothing).
        """
        from govdoor.applications.demo import applications_demo_load
        from govdoor.cases.demo import cases_demo_load
        from govdoor.catalogue.demo import demo_catalogue_load
        from govdoor.exchange.demo import exchange_demo_load
        from govdoor.letters.demo import letters_demo_load
        from govdoor.registries.demo import demo_registers_load
        from govdoor.rules.demo import rules_demo_load

        loaders: list[tuple[str, Callable[[], dict[str, int]]]] = [
            ("registers", lambda: demo_registers_load(progress=progress)),
            ("catalogue", demo_catalogue_load),
            ("exchange", exchange_demo_load),
            ("letters", letters_demo_load),
            ("forms", applications_demo_load),
            ("rules", rules_demo_load),
            ("cases", cases_demo_load),
        ]
        for label, load in loaders:
            created = load()
            if any(created.values()):
                counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in created.items())
                self.stdout.write(self.style.SUCCESS(f"Demo data for {label} loaded: {counts}."))
            else:
                self.stdout.write(f"Demo data for {label} already loaded; nothing changed.")
