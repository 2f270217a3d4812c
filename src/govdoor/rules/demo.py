"""Demo data for rules: releases of Demoland's package, the four benefit services bound to
their rules, the proactive-checks purpose with consents for a share of parents, and one
bias report. Idempotent: what exists is kept; a second run creates nothing.

Which parents consent: a deterministic third of the adults with children (by a hash of
their id), at most MAX_CONSENTS, so `rules_scan --benefit child-benefit` has people to
scan and people it must leave alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.db import transaction

from govdoor.rules import scan, services
from govdoor.rules.models import BiasReport, RulePackageRelease, ServiceRuleBinding

MAX_CONSENTS = 600
CONSENT_FIELDS = ["population.birth_date", "population.parents"]

BINDINGS: list[dict[str, Any]] = [
    dict(
        code="child-benefit",
        variable="child_benefit",
        period="month",
        outputs=["child_benefit_eligible", "benefit_children"],
        # The child-benefit form asks for the child's date of birth and the household's
        # monthly income ("household_income").
        input_mapping={
            "household": {"household_income": "household_income"},
            "children": "child_birth_date",
        },
        auto_approve_max=Decimal("600.00"),
    ),
    dict(
        code="housing-allowance",
        variable="housing_allowance",
        period="month",
        outputs=["housing_allowance_income_limit", "housing_allowance_rent_ceiling"],
        input_mapping={
            "household": {
                "household_income": {"answer": "yearly_income", "divide_by": 12},
                "rent": "monthly_rent",
            },
            "household_members": "household_size",
        },
        auto_approve_max=Decimal("400.00"),
    ),
    dict(
        code="property-tax-rebate",  # every municipality's service of this kind
        variable="property_tax_rebate",
        period="year",
        outputs=["household_yearly_income"],
        input_mapping={
            "household": {"household_income": "household_income", "property_tax": "property_tax"}
        },
        auto_approve_max=Decimal("300.00"),
    ),
    dict(
        code="business-start-up-grant",
        variable="startup_grant",
        period="once",
        outputs=["startup_grant_eligible"],
        input_mapping={
            "applicant": {
                "business_sector": "business_sector",
                "business_employees": "employees",
            }
        },
        review_all=True,  # one-off grants: a person always looks
    ),
]


def _releases() -> int:
    made = 0
    for version, start, status in (
        ("2026.1", dt.date(2020, 1, 1), RulePackageRelease.Status.ACTIVE),
        ("2027.1", dt.date(2027, 1, 1), RulePackageRelease.Status.SHADOW),
    ):
        exists = RulePackageRelease.objects.filter(package="demoland", version=version).exists()
        services.release_register(
            package="demoland", version=version, effective_from=start, status=status
        )
        made += int(not exists)
    return made


def _bindings() -> int:
    from govdoor.catalogue.models import Service

    made = 0
    for spec in BINDINGS:
        spec = dict(spec)
        code = spec.pop("code")
        for service in Service.objects.filter(code=code) | Service.objects.filter(kind=code):
            if ServiceRuleBinding.objects.filter(service=service).exists():
                continue
            services.binding_save(service=service, package="demoland", **spec)
            made += 1
    return made


def _purpose(organisation: Any) -> Any:
    from govdoor.exchange import services as exchange_services
    from govdoor.exchange.selectors import purpose_get

    purpose = purpose_get(scan.PURPOSE)
    if purpose is None:
        purpose = exchange_services.purpose_create(
            code=scan.PURPOSE,
            name="Proactive eligibility checks",
            description="To tell you about benefits you may be entitled to, without asking.",
            legal_basis="Your consent (Data Protection Act s. 6(1)(a)); Social Security Act s. 9",
            allowed_fields=CONSENT_FIELDS,
            retention_days=90,
            requesting_organisations=[organisation],
            consent_required=True,
        )
    return purpose


def _chosen(person_id: Any) -> bool:
    return hashlib.sha256(f"proactive:{person_id}".encode()).digest()[0] % 3 == 0


def _consents(organisation: Any, purpose: Any) -> int:
    from govdoor.exchange import services as exchange_services
    from govdoor.exchange.selectors import consents_of
    from govdoor.identity.models import FamilyLink, Person

    parents = (
        FamilyLink.objects.filter(kind=FamilyLink.Kind.PARENT)
        .values_list("person_id", flat=True)
        .distinct()
        .order_by("person_id")
    )
    chosen = [p for p in parents if _chosen(p)][:MAX_CONSENTS]
    have = set(scan.consenting_person_ids(organisation=organisation, limit=10 * MAX_CONSENTS))
    made = 0
    for person in Person.objects.filter(pk__in=[p for p in chosen if p not in have]):
        if consents_of(person_id=person.pk).filter(purpose=purpose).exists():
            continue  # revoked by the person: not given again
        exchange_services.consent_give(
            person=person, purpose=purpose, organisation=organisation, fields=CONSENT_FIELDS
        )
        made += 1
    return made


@transaction.atomic
def rules_demo_load() -> dict[str, int]:
    from govdoor.rules import bias, selectors

    counts = {"releases": _releases(), "bindings": _bindings(), "consents": 0, "bias_reports": 0}
    binding = selectors.binding_for_code("child-benefit")
    if binding is None:
        return counts  # no catalogue loaded
    purpose = _purpose(binding.service.owner)
    counts["consents"] = _consents(binding.service.owner, purpose)
    release = RulePackageRelease.objects.get(package="demoland", version="2026.1")
    if not BiasReport.objects.filter(release=release, service_code=binding.service.code).exists():
        bias.bias_report_create(release=release, binding=binding)
        counts["bias_reports"] = 1
    return counts
