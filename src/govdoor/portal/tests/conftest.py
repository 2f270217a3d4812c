"""Fixtures of the portal's HTTP tests: a person signed in the way identity's sign-in leaves it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from govdoor.identity.decorators import SESSION_ACTING_FOR, SESSION_IDP, SESSION_LOA
from govdoor.identity.models import LevelOfAssurance, Mandate, User
from govdoor.portal.tests.factories import UserFactory

SignIn = Callable[..., User]


@pytest.fixture
def sign_in(client: Client) -> SignIn:
    """`sign_in(user=None, loa=SUBSTANTIAL, idp="demo", acting_for=None)` signs `client` in."""

    def do(
        user: User | None = None,
        *,
        loa: int = LevelOfAssurance.SUBSTANTIAL,
        idp: str = "demo",
        acting_for: Mandate | None = None,
    ) -> User:
        user = user or UserFactory()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.session
        session[SESSION_LOA] = int(loa)
        session[SESSION_IDP] = idp
        if acting_for is not None:
            session[SESSION_ACTING_FOR] = str(acting_for.pk)
        session.save()
        return user

    return do
