"""Demo staff accounts: who works where, in which roles, with which (demo) second factor.

Pure specs, no database. One documented password for every demo account; TOTP keys are
derived from the seed and the username so `demo_accounts` can print today's code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from govdoor.demo.geography import CENTRAL_GOVERNMENT, OrganisationSpec

DEMO_STAFF_PASSWORD = "demo-govdoor-2026"  # demo only; documented in the README
STAFF_EMAIL_DOMAIN = "demo.govdoor.example"
REGISTRY_AGENCIES = ("civil-registry", "business-registry")
# Municipalities with staff accounts (the capital, a French-speaking town and two more).
STAFFED_MUNICIPALITIES = ("demopolis", "saint-aubin", "aldermoor", "granval")


@dataclass(frozen=True)
class StaffSpec:
    username: str
    email: str
    organisation_code: str
    roles: tuple[str, ...]  # organisations.StaffRole.Role values
    totp_key: str  # 40 hex digits, as django_otp's TOTPDevice stores it


def demo_totp_key(*, seed: int, username: str) -> str:
    """A demo staff member's TOTP key (20 bytes as hex), derived from seed and username.

    Demo only: anyone who knows the seed and the username can compute it.
    """
    return hashlib.sha1(f"govdoor-demo-totp:{seed}:{username}".encode()).hexdigest()


def _accounts(org: OrganisationSpec) -> list[tuple[str, tuple[str, ...]]]:
    """(username suffix, roles) for one organisation, or none if it has no demo staff."""
    if org.code == CENTRAL_GOVERNMENT:
        return [("admin", ("admin",)), ("auditor", ("auditor",))]
    if org.level == "central":
        accounts = [("caseworker", ("case_worker",)), ("owner", ("service_owner", "admin"))]
        if org.code in REGISTRY_AGENCIES:
            accounts.append(("keeper", ("register_keeper",)))
        return accounts
    if org.level == "regional":
        return [("caseworker", ("case_worker",)), ("admin", ("admin", "service_owner"))]
    if org.code in STAFFED_MUNICIPALITIES:
        accounts = [("caseworker", ("case_worker",)), ("owner", ("service_owner", "admin"))]
        if org.code == STAFFED_MUNICIPALITIES[0]:
            accounts += [("keeper", ("register_keeper",)), ("auditor", ("auditor",))]
        return accounts
    return []


def staff_generate(*, seed: int, organisations: Sequence[OrganisationSpec]) -> list[StaffSpec]:
    staff = []
    for org in organisations:
        for suffix, roles in _accounts(org):
            username = f"{org.code}.{suffix}"
            staff.append(
                StaffSpec(
                    username=username,
                    email=f"{username}@{STAFF_EMAIL_DOMAIN}",
                    organisation_code=org.code,
                    roles=roles,
                    totp_key=demo_totp_key(seed=seed, username=username),
                )
            )
    return staff
