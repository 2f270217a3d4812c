from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from govdoor.cases.tests.factories import (
    local_service,
    person_living_in,
    staff_member,
)
from govdoor.catalogue.tests.factories import ServiceFactory
from govdoor.identity.decorators import SESSION_IDP, SESSION_LOA
from govdoor.identity.services import user_for_person
from govdoor.identity.testing import sign_in_staff
from govdoor.organisations.models import StaffRole
from govdoor.organisations.tests.factories import (
    JurisdictionFactory,
    OrganisationFactory,
    demo_country,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def country(db: None) -> dict[str, Any]:
    """Demoland: central government (triage), the tax agency under it, North region,
    Riverton and Hillside councils under North."""
    places = demo_country()
    government = OrganisationFactory(code="government", name="Government", level="central")
    JurisdictionFactory(organisation=government, area=places["country"])
    places["tax"].parent = government
    places["tax"].save()
    places["riverton_org"].parent = places["north_org"]
    places["riverton_org"].save()
    hillside_org = OrganisationFactory(
        code="hillside",
        name="Hillside Council",
        level="local",
        home_area=places["hillside"],
        parent=places["north_org"],
    )
    JurisdictionFactory(organisation=hillside_org, area=places["hillside"])
    places["government"] = government
    places["hillside_org"] = hillside_org
    return places


@pytest.fixture
def tax_service(country: dict[str, Any]) -> Any:
    return ServiceFactory(
        code="income-tax-relief", owner=country["tax"], competent_level="central", sla_days=10
    )


@pytest.fixture
def parking(country: dict[str, Any]) -> dict[str, Any]:
    """Each council's own parking permit (one kind, two variants)."""
    return {
        "riverton": local_service(country["riverton_org"], code="riverton-parking"),
        "hillside": local_service(country["hillside_org"], code="hillside-parking"),
    }


@pytest.fixture
def applicant(country: dict[str, Any]) -> Any:
    return person_living_in(country["riverton"])


@pytest.fixture
def riverton_worker(country: dict[str, Any]) -> Any:
    return staff_member(country["riverton_org"], "riverton-cw", StaffRole.Role.CASE_WORKER)


@pytest.fixture
def tax_worker(country: dict[str, Any]) -> Any:
    return staff_member(country["tax"], "tax-cw", StaffRole.Role.CASE_WORKER)


@pytest.fixture
def staff_client() -> Callable[[Any], Client]:
    def _client(user: Any) -> Client:
        return sign_in_staff(Client(), user)

    return _client


@pytest.fixture
def person_client() -> Callable[..., Client]:
    def _client(person: Any, loa: int = 2) -> Client:
        client = Client()
        client.force_login(
            user_for_person(person=person), backend="django.contrib.auth.backends.ModelBackend"
        )
        session = client.session
        session[SESSION_LOA] = loa
        session[SESSION_IDP] = "demo"
        session.save()
        return client

    return _client


@pytest.fixture
def monday_morning() -> dt.datetime:
    return dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
