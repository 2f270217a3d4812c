from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from govdoor.identity.decorators import SESSION_IDP, SESSION_LOA
from govdoor.identity.models import Address
from govdoor.identity.services import user_for_person
from govdoor.identity.testing import sign_in_staff
from govdoor.identity.tests.factories import PersonFactory
from govdoor.organisations.models import StaffRole
from govdoor.organisations.tests.factories import StaffRoleFactory, UserFactory, demo_country


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def country(db: None) -> dict[str, Any]:
    """Demoland (see organisations factories) plus Hillside's own council."""
    from govdoor.organisations.tests.factories import JurisdictionFactory, OrganisationFactory

    places = demo_country()
    hillside_org = OrganisationFactory(
        code="hillside",
        name="Hillside Council",
        level="local",
        home_area=places["hillside"],
        logo="govdoor/logos/hillside.svg",
    )
    JurisdictionFactory(organisation=hillside_org, area=places["hillside"])
    places["hillside_org"] = hillside_org
    return places


@pytest.fixture
def resident(country: dict[str, Any]) -> Any:
    """A person whose current address is in Hillside (an older one was in Riverton)."""
    import datetime as dt

    person = PersonFactory()
    Address.objects.create(
        person=person,
        street="Old Road",
        house_number="1",
        postcode="1000",
        town="Riverton",
        municipality=country["riverton"],
        valid_from=dt.date(2010, 1, 1),
        valid_to=dt.date(2020, 1, 1),
    )
    Address.objects.create(
        person=person,
        street="New Road",
        house_number="2",
        postcode="2000",
        town="Hillside",
        municipality=country["hillside"],
        valid_from=dt.date(2020, 1, 1),
    )
    return person


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


def service_owner(organisation: Any, username: str = "owner") -> Any:
    role = StaffRoleFactory(
        user=UserFactory(username=f"{username}-{organisation.code}"),
        organisation=organisation,
        role=StaffRole.Role.SERVICE_OWNER,
    )
    return role.user


@pytest.fixture
def staff_client() -> Callable[[Any], Client]:
    def _client(user: Any) -> Client:
        return sign_in_staff(Client(), user)

    return _client
