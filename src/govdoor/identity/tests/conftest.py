from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from govdoor.identity.decorators import SESSION_IDP, SESSION_LOA
from govdoor.identity.models import LevelOfAssurance, Person
from govdoor.identity.services import user_for_person
from govdoor.identity.tests.factories import PersonFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Why: under pytest the settings may load in demo mode (PBKDF2, ~1s a password)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def person(db: None) -> Person:
    return PersonFactory()


@pytest.fixture
def sign_in() -> Callable[..., Client]:
    """Sign `person` into `client` at `loa` without going through an IdP page."""

    def _sign_in(client: Client, person: Person, loa: int = LevelOfAssurance.SUBSTANTIAL) -> Client:
        client.force_login(
            user_for_person(person=person), backend="django.contrib.auth.backends.ModelBackend"
        )
        session = client.session
        session[SESSION_LOA] = int(loa)
        session[SESSION_IDP] = "demo"
        session.save()
        return client

    return _sign_in
