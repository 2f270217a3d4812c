"""A small country with a population and a vehicle register, a municipal parking permit whose
form prefills name, address and vehicle through the exchange, and a signed-in resident."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from govdoor.applications import services
from govdoor.cases.tests.factories import local_service, person_living_in
from govdoor.exchange.tests.factories import PolicyFactory, PurposeFactory, population_register
from govdoor.identity.decorators import SESSION_IDP, SESSION_LOA
from govdoor.identity.services import user_for_person
from govdoor.identity.testing import sign_in_staff
from govdoor.organisations.models import StaffRole
from govdoor.organisations.tests.factories import (
    JurisdictionFactory,
    OrganisationFactory,
    StaffRoleFactory,
    UserFactory,
    demo_country,
)
from govdoor.registries.services import record_create
from govdoor.registries.tests.factories import keeper_caller, vehicles_register

PARKING_FIELDS = [
    "population.given_name",
    "population.family_name",
    "population.street",
    "population.postcode",
    "population.town",
    "vehicles.plate",
    "vehicles.make",
]


def prefilled(name: str, label: str, register: str, field: str) -> dict[str, Any]:
    return {
        "name": name,
        "type": "text",
        "label": {"en": label, "fr": label},
        "required": True,
        "prefill": {"register": register, "field": field, "purpose": "parking-permit"},
    }


PARKING_FORM: dict[str, Any] = {
    "title": {"en": "Apply for a parking permit", "fr": "Demander une carte de stationnement"},
    "pages": [
        {
            "name": "you",
            "title": {"en": "About you", "fr": "Vous concernant"},
            "fields": [
                prefilled("given_name", "First name", "population", "given_name"),
                prefilled("family_name", "Last name", "population", "family_name"),
                prefilled("street", "Street", "population", "street"),
            ],
        },
        {
            "name": "vehicle",
            "title": {"en": "Your vehicle", "fr": "Votre véhicule"},
            "fields": [
                prefilled("plate", "Number plate", "vehicles", "plate"),
                {
                    "name": "zone",
                    "type": "choice",
                    "label": {"en": "Zone", "fr": "Zone"},
                    "required": True,
                    "options": [
                        {"value": "A", "label": {"en": "Zone A"}},
                        {"value": "B", "label": {"en": "Zone B"}},
                    ],
                },
                {
                    "name": "disabled",
                    "type": "yesno",
                    "label": {"en": "Do you hold a disabled badge?"},
                    "required": True,
                },
            ],
        },
        {
            "name": "badge",
            "title": {"en": "Your badge"},
            "condition": {"field": "disabled", "equals": True},
            "fields": [
                {
                    "name": "badge_number",
                    "type": "text",
                    "label": {"en": "Badge number"},
                    "required": True,
                    "validation": {"pattern": "^[0-9]{6}$"},
                },
                {"name": "badge_scan", "type": "file", "label": {"en": "A scan of the badge"}},
            ],
        },
        {
            "name": "contact",
            "title": {"en": "How we contact you"},
            "fields": [
                {"name": "email", "type": "email", "label": {"en": "Email"}, "required": True},
                {
                    "name": "start_on",
                    "type": "date",
                    "label": {"en": "Start date"},
                    "required": True,
                    "validation": {"min": "2020-01-01"},
                },
                {
                    "name": "monthly_rent",
                    "type": "money",
                    "label": {"en": "Monthly rent"},
                    "validation": {"max": 10000},
                },
            ],
        },
    ],
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def country(db: None) -> dict[str, Any]:
    places: dict[str, Any] = dict(demo_country())
    government = OrganisationFactory(code="government", name="Government", level="central")
    JurisdictionFactory(organisation=government, area=places["country"])
    places["government"] = government
    places["registry"] = OrganisationFactory(code="civil-registry", name="Civil Registry")
    places["transport"] = OrganisationFactory(code="transport", name="Transport Agency")
    return places


@pytest.fixture
def registers(country: dict[str, Any]) -> dict[str, Any]:
    return {
        "population": population_register(country["registry"]),
        "vehicles": vehicles_register(country["transport"]),
    }


@pytest.fixture
def purpose(country: dict[str, Any], registers: dict[str, Any]) -> Any:
    org = country["riverton_org"]
    purpose = PurposeFactory(
        code="parking-permit",
        name="Parking permits",
        allowed_fields=PARKING_FIELDS,
        requesters=[org],
    )
    PolicyFactory(
        purpose=purpose,
        requester=org,
        keeper=country["registry"],
        register_code="population",
        fields=["given_name", "family_name", "street", "postcode", "town"],
    )
    PolicyFactory(
        purpose=purpose,
        requester=org,
        keeper=country["transport"],
        register_code="vehicles",
        fields=["plate", "make"],
    )
    return purpose


@pytest.fixture
def parking(country: dict[str, Any], purpose: Any) -> Any:
    service = local_service(country["riverton_org"], code="riverton-parking")
    services.form_draft_save(service=service, definition=copy.deepcopy(PARKING_FORM), check=False)
    services.form_publish(service=service, check=False)
    return service


def resident_of(country: dict[str, Any], registers: dict[str, Any], **names: Any) -> Any:
    person = person_living_in(country["riverton"], **names)
    record_create(
        register=registers["population"],
        data={
            "person_id": str(person.pk),
            "given_name": person.given_name,
            "family_name": person.family_name,
            "birth_date": "1980-05-17",
            "street": "Quay Street 4",
            "postcode": "1000",
            "town": "Riverton",
            "municipality": "DL-N-01",
        },
        actor=keeper_caller(country["registry"]),
    )
    return person


@pytest.fixture
def resident(country: dict[str, Any], registers: dict[str, Any]) -> Any:
    person = resident_of(country, registers)
    record_create(
        register=registers["vehicles"],
        data={"plate": "RV-123", "make": "Volvo", "year": 2015, "owner_id": str(person.pk)},
        actor=keeper_caller(country["transport"]),
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


@pytest.fixture
def owner_client(country: dict[str, Any]) -> Client:
    """A service owner of Riverton, signed in to the back office."""
    user = UserFactory(username="riverton-owner")
    StaffRoleFactory(
        user=user, organisation=country["riverton_org"], role=StaffRole.Role.SERVICE_OWNER
    )
    return sign_in_staff(Client(), user)
