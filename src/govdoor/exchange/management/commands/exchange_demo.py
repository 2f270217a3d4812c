"""`manage.py exchange_demo`: purposes, policies and demo subscribers for the demo country."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from govdoor.exchange.demo import exchange_demo_load


class Command(BaseCommand):
    help = "Load the demo exchange (needs the demo registers: run after the registries demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = exchange_demo_load()
        self.stdout.write(
            "exchange demo: {purposes} purposes, {policies} policies, "
            "{subscriptions} subscriptions created".format(**counts)
        )
