"""Factories for exchange tests: a population register with a person, purposes, policies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from govdoor.exchange.models import AccessPolicy, Purpose
from govdoor.organisations.models import Organisation
from govdoor.registries.models import Register
from govdoor.registries.services import record_create, register_create
from govdoor.registries.tests.factories import (  # noqa: F401 (re-exported)
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    agency_token,
    keeper_caller,
    keeper_user,
    vehicle,
    vehicles_register,
)

S = {"type": "string"}
POPULATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["person_id", "given_name"],
    "properties": {
        "person_id": S,
        "given_name": S,
        "family_name": S,
        "birth_date": {"type": "string", "format": "date"},
        "deceased_on": {"type": "string", "format": "date"},
        "street": S,
        "postcode": S,
        "town": S,
        "municipality": S,
    },
}


def population_register(organisation: Organisation) -> Register:
    return register_create(
        organisation=organisation,
        code="population",
        name="Population",
        json_schema=POPULATION_SCHEMA,
        personal_fields=["person_id", "given_name", "family_name", "birth_date", "street"],
        subject_field="person_id",
        subject_kind="person",
        key_field="person_id",
        event_topics={"address_changed": ["street", "postcode", "town", "municipality"]},
    )


def resident(register: Register, person: Any, **overrides: Any) -> Any:
    data = {
        "person_id": str(person.pk),
        "given_name": person.given_name,
        "family_name": person.family_name,
        "birth_date": "1980-01-02",
        "street": "High Street 1",
        "postcode": "1000",
        "town": "Demopolis",
        "municipality": "demopolis",
    }
    data.update(overrides)
    return record_create(register=register, data=data, actor=keeper_caller(register.organisation))


class PurposeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Purpose

    code = factory.Sequence(lambda n: f"purpose-{n}")
    name = "Housing benefit"
    description = "To work out how much housing benefit you get."
    legal_basis = "Housing Benefit Act s. 3"
    allowed_fields = ["population.birth_date", "population.street", "population.age_over_18"]
    retention_days = 365

    @factory.post_generation
    def requesters(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.requesting_organisations.set(extracted)


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessPolicy

    purpose = factory.SubFactory(PurposeFactory)
    requester = factory.SubFactory(OrganisationFactory)
    keeper = factory.SubFactory(OrganisationFactory)
    register_code = "population"
    fields = ["street"]
    derived: list[str] = []
    valid_from = dt.date(2020, 1, 1)
    status = AccessPolicy.Status.APPROVED
