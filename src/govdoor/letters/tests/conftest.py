"""Fixtures of the letters tests: an organisation, a person, a letter issued to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from govdoor.identity.decorators import SESSION_IDP, SESSION_LOA
from govdoor.identity.models import LevelOfAssurance, Person
from govdoor.identity.services import user_for_person
from govdoor.identity.testing import sign_in_staff
from govdoor.identity.tests.factories import PersonFactory
from govdoor.letters.models import Letter
from govdoor.letters.services import letter_issue
from govdoor.organisations.models import Organisation
from govdoor.organisations.tests.factories import OrganisationFactory, StaffRoleFactory


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(
        code="family-agency",
        name="Family Benefits Agency",
        logo="govdoor/logos/government.svg",
        website="https://family.example",
    )


@pytest.fixture
def person(db: None) -> Person:
    return PersonFactory(given_name="Lena", family_name="Moreau")


@pytest.fixture
def issue(organisation: Organisation, person: Person) -> Callable[..., Letter]:
    def _issue(**overrides: Any) -> Letter:
        fields: dict[str, Any] = {
            "organisation": organisation,
            "kind": "decision",
            "language": "en",
            "title": "Decision on your application for child benefit",
            "reference": "GD-2026-000123",
            "recipient_name": person.full_name,
            "recipient_address_lines": ["12 Rue des Lilas", "1000 Demopolis"],
            "paragraphs": ["We have granted your application.", "You may appeal within 6 weeks."],
            "facts": [("Amount", "EUR 120.00 a month"), ("From", "1 December 2026")],
            "person_id": person.pk,
        }
        fields.update(overrides)
        return letter_issue(**fields)

    return _issue


@pytest.fixture
def sign_in() -> Callable[..., Client]:
    """Sign `person` into `client` at a substantial level, without an IdP page."""

    def _sign_in(client: Client, person: Person) -> Client:
        client.force_login(
            user_for_person(person=person), backend="django.contrib.auth.backends.ModelBackend"
        )
        session = client.session
        session[SESSION_LOA] = int(LevelOfAssurance.SUBSTANTIAL)
        session[SESSION_IDP] = "demo"
        session.save()
        return client

    return _sign_in


@pytest.fixture
def staff_of() -> Callable[..., Client]:
    """A client signed in (with a second factor) as staff holding `role` in `organisation`."""

    def _staff_of(client: Client, organisation: Organisation, role: str = "case_worker") -> Client:
        role_row = StaffRoleFactory(organisation=organisation, role=role)
        return sign_in_staff(client, role_row.user)

    return _staff_of
