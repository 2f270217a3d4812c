"""The demo country's exchange: purposes, approved policies and demo subscriber agencies.

Why demo subscriptions: with the "demo" plugin, a move in the population register reaches the
Tax Agency, the Health Agency and the new municipality without any outside service, and the
person then sees "we told these agencies" on their consents page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from govdoor.exchange.models import AccessPolicy, Purpose, Subscription
from govdoor.organisations.models import Organisation
from govdoor.registries import selectors as registers

ADDRESS = ["street", "house_number", "postcode", "town", "municipality"]
PURPOSES: list[dict[str, Any]] = [
    dict(
        code="address-notification",
        name="Keeping your address up to date",
        description="So that you do not have to tell each agency yourself when you move.",
        legal_basis="Civil Registry Act s. 21 (notification of address changes)",
        mandatory=True,
        fields=ADDRESS,
        requesters=["tax", "health", "*municipalities"],
    ),
    dict(
        code="income-tax-assessment",
        name="Income tax assessment",
        description="To work out how much income tax you owe.",
        legal_basis="Income Tax Act s. 12",
        mandatory=True,
        fields=["given_name", "family_name", "birth_date", *ADDRESS],
        requesters=["tax"],
    ),
    dict(
        code="senior-discount",
        name="Discounts for older residents",
        description="To check that you are over 65, without seeing your date of birth.",
        legal_basis="Your consent (Data Protection Act s. 6(1)(a))",
        mandatory=False,
        consent_required=True,
        fields=["age_over_65"],
        requesters=["*municipalities"],
    ),
]


def _requesters(codes: list[str]) -> list[Organisation]:
    orgs: list[Organisation] = []
    for code in codes:
        if code == "*municipalities":
            orgs.extend(Organisation.objects.filter(level=Organisation.Level.LOCAL))
        else:
            orgs.extend(Organisation.objects.filter(code=code))
    return orgs


@transaction.atomic
def exchange_demo_load() -> dict[str, int]:
    """Idempotent: creates what is missing, changes nothing that exists."""
    population = registers.register_get(code="population")
    counts = {"purposes": 0, "policies": 0, "subscriptions": 0}
    for spec in PURPOSES:
        purpose, created = Purpose.objects.get_or_create(
            code=spec["code"],
            defaults=dict(
                name=spec["name"],
                description=spec["description"],
                legal_basis=spec["legal_basis"],
                mandatory=spec["mandatory"],
                consent_required=spec.get("consent_required", False),
                allowed_fields=[f"population.{f}" for f in spec["fields"]],
                retention_days=365 * 7,
            ),
        )
        counts["purposes"] += created
        orgs = _requesters(spec["requesters"])
        purpose.requesting_organisations.add(*orgs)
        for org in orgs:
            derived = [f for f in spec["fields"] if f.startswith("age_")]
            _policy, made = AccessPolicy.objects.get_or_create(
                purpose=purpose,
                requester=org,
                register_code="population",
                defaults=dict(
                    keeper_id=population.organisation_id,
                    fields=[f for f in spec["fields"] if f not in derived],
                    derived=derived,
                    valid_from=dt.date(2020, 1, 1),
                    status=AccessPolicy.Status.APPROVED,
                ),
            )
            counts["policies"] += made
            if spec["code"] == "address-notification":
                local = org.level == Organisation.Level.LOCAL
                _sub, made = Subscription.objects.get_or_create(
                    organisation=org,
                    purpose=purpose,
                    topic="population.address_changed",
                    defaults=dict(plugin="demo", municipality=org.code if local else ""),
                )
                counts["subscriptions"] += made
    return counts
