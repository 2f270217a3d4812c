from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from govdoor.catalogue.tests.factories import ServiceFactory
from govdoor.exchange import services as exchange_services
from govdoor.exchange.tests.factories import population_register
from govdoor.identity.models import Address, FamilyLink
from govdoor.identity.tests.factories import PersonFactory
from govdoor.organisations.tests.factories import (
    JurisdictionFactory,
    OrganisationFactory,
    StaffRoleFactory,
    UserFactory,
    demo_country,
)
from govdoor.rules import services
from govdoor.rules.population import demo_finances, finance_sources


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def country(db: None) -> dict[str, Any]:
    places = demo_country()
    social = OrganisationFactory(code="social-insurance", name="Social Insurance", level="central")
    JurisdictionFactory(organisation=social, area=places["country"])
    places["social"] = social
    return places


def resident(country: dict[str, Any], **kwargs: Any) -> Any:
    person = PersonFactory(**kwargs)
    Address.objects.create(
        person=person,
        street="Mill Lane",
        house_number="3",
        postcode="1000",
        town="Riverton",
        municipality=country["riverton"],
        valid_from=dt.date(2015, 1, 1),
    )
    return person


@pytest.fixture
def applicant(country: dict[str, Any]) -> Any:
    return resident(country, birth_date=dt.date(1988, 4, 2))


@pytest.fixture
def release(db: None) -> Any:
    return services.release_register(
        package="demoland", version="2026.1", effective_from=dt.date(2020, 1, 1), status="active"
    )


CHILD_BENEFIT_MAPPING = {
    "household": {"household_income": "household_income"},
    "children": "children_birth_dates",
}


@pytest.fixture
def child_benefit(country: dict[str, Any], release: Any) -> Any:
    return ServiceFactory(code="child-benefit", owner=country["social"], sla_days=30)


@pytest.fixture
def binding(child_benefit: Any) -> Any:
    return services.binding_save(
        service=child_benefit,
        package="demoland",
        variable="child_benefit",
        input_mapping=CHILD_BENEFIT_MAPPING,
        outputs=["child_benefit_eligible"],
        auto_approve_max=Decimal("500.00"),
    )


@pytest.fixture
def case_worker(country: dict[str, Any]) -> Any:
    user = UserFactory(username="cw-social")
    StaffRoleFactory(user=user, organisation=country["social"], role="case_worker")
    return user


def answers(income: Any, children: list[str], *, register_income: bool = False) -> dict[str, Any]:
    income_source: dict[str, Any] = (
        {"register": "tax-income", "version": 3, "field": "monthly_income"}
        if register_income
        else {"declared": True}
    )
    return {
        "household_income": {"value": income, "source": income_source},
        "children_birth_dates": {"value": children, "source": {"declared": True}},
    }


# --- proactive scans ---------------------------------------------------------------------
@pytest.fixture
def purpose(country: dict[str, Any]) -> Any:
    population_register(country["tax"])
    return exchange_services.purpose_create(
        code="proactive-eligibility",
        name="Proactive eligibility checks",
        description="To tell you about benefits you may be entitled to.",
        legal_basis="Your consent (Data Protection Act s. 6(1)(a))",
        allowed_fields=["population.birth_date"],
        retention_days=30,
        requesting_organisations=[country["social"]],
        consent_required=True,
    )


@pytest.fixture
def low_income(settings: Any) -> Any:
    """A finances source where everyone earns 1,000.00 a month (under every limit)."""

    def source(ids: Any) -> Any:
        finances = demo_finances(ids)
        finances["household_income"][:] = 1000.0
        return finances

    finance_sources.register("low")(source)
    settings.GOVDOOR_RULES_FINANCES_SOURCE = "low"
    yield
    finance_sources.unregister("low")


def parent_of(country: dict[str, Any], children: int, *, consent: Any = None) -> Any:
    person = resident(country, birth_date=dt.date(1985, 1, 1))
    for i in range(children):
        child = PersonFactory(birth_date=dt.date(2015 + i, 6, 1))
        FamilyLink.objects.create(person=person, relative=child, kind="parent")
    if consent is not None:
        exchange_services.consent_give(
            person=person,
            purpose=consent,
            organisation=country["social"],
            fields=["population.birth_date"],
        )
    return person
