"""Shared fixtures of the ledger's tests: appending in a transaction, signed-in people."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from govdoor.identity.decorators import SESSION_LOA
from govdoor.ledger import services
from govdoor.ledger.tests.factories import PersonFactory, UserFactory


@pytest.fixture
def append() -> Callable[..., services.QueuedEntry]:
    """Append one entry (inside a transaction, as callers must), with sensible defaults."""

    def _append(**overrides: Any) -> services.QueuedEntry:
        values: dict[str, Any] = {
            "subject_id": "0190b8c4-0000-7000-8000-000000000001",
            "actor_org": "tax-agency",
            "actor_user": None,
            "action": "read",
            "purpose": "income-tax-assessment",
            "legal_basis": "Income Tax Act s. 12",
            "fields": ["income", "address"],
        }
        values.update(overrides)
        with transaction.atomic():
            return services.ledger_append(**values)

    return _append


@pytest.fixture
def person_client(client):
    """A client signed in as a person (level of assurance low), and that person."""
    person = PersonFactory()
    user = UserFactory(person=person)
    client.force_login(user)
    session = client.session
    session[SESSION_LOA] = 1
    session.save()
    client.person = person
    client.user = user
    return client
