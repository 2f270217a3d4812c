"""`manage.py demo_accounts`: who to sign in as in the demo (for the README and `make demo`).

All persons are synthetic; the featured persons' national numbers are printed so they can
be typed at the demo identity provider. Staff share one documented demo password.
"""

from __future__ import annotations

import base64
import importlib
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand
from django_otp.plugins.otp_totp.models import TOTPDevice

from govdoor.demo.selectors import StaffAccount, demo_personas_list, demo_staff_list
from govdoor.demo.staff import DEMO_STAFF_PASSWORD
from govdoor.identity.models import User


def _demo_totp_code() -> Callable[[User], str | None] | None:
    """identity's `demo_totp_code`, wherever identity keeps it (None if it has none)."""
    for module in ("govdoor.identity.services", "govdoor.identity.staff_auth"):
        try:
            found = getattr(importlib.import_module(module), "demo_totp_code", None)
        except ImportError:
            continue
        if found is not None:
            return found  # type: ignore[no-any-return]
    return None


def _totp_key(user: User) -> str:
    """The key in base32, as an authenticator app asks for it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is None:
        return "no TOTP device"
    return base64.b32encode(device.bin_key).decode().rstrip("=")


class Command(BaseCommand):
    help = "Print the demo sign-in accounts: featured persons and staff per organisation."

    def handle(self, *args: Any, **options: Any) -> None:
        personas = demo_personas_list()
        staff = demo_staff_list()
        if not personas and not staff:
            self.stdout.write("No demo country loaded: run `manage.py load_demo_country`.")
            return
        self._personas(personas)
        self._staff(staff)

    def _personas(self, personas: list[Any]) -> None:
        self.stdout.write(
            self.style.MIGRATE_HEADING(
                "Demo persons (sign in at the demo identity provider; all synthetic)"
            )
        )
        for p in personas:
            person = p.person
            self.stdout.write(
                f"  {p.title}: {person.full_name}, {p.age}, {p.municipality}"
                f" (language {person.language})"
            )
            self.stdout.write(f"    national number {person.national_id}")
            if p.moved_from:
                self.stdout.write(f"    moved here from {p.moved_from}")
            for words in p.mandates[:4]:
                self.stdout.write(f"    may act: {words}")
            if len(p.mandates) > 4:
                self.stdout.write(f"    … and {len(p.mandates) - 4} more mandates")

    def _staff(self, staff: list[StaffAccount]) -> None:
        self.stdout.write(
            self.style.MIGRATE_HEADING(
                f"Staff accounts (back office; password for all: {DEMO_STAFF_PASSWORD})"
            )
        )
        code_of = _demo_totp_code()
        organisation = None
        for account in staff:
            if account.organisation != organisation:
                organisation = account.organisation
                self.stdout.write(f"  {organisation} ({account.level})")
            code = code_of(account.user) if code_of else None
            second = f"TOTP code {code}" if code else f"TOTP key {_totp_key(account.user)}"
            self.stdout.write(f"    {account.username:<28} {', '.join(account.roles):<28} {second}")
