"""Test support other domains share: an agency system with a bearer token, signed-in staff,
a signed-in person.

Why here: identity owns agency clients and sign-in; before this, several domains' tests
each built the same token or the same verified staff session by hand.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from oauth2_provider.models import AccessToken

from govdoor.identity.agency import agency_client_create
from govdoor.identity.decorators import SESSION_IDP, SESSION_LOA
from govdoor.identity.models import Person, User
from govdoor.identity.services import user_for_person
from govdoor.organisations.models import Organisation


def agency_access_token(
    *,
    organisation: Organisation,
    scope: str,
    expires_in: int = 3600,
    name: str | None = None,
) -> str:
    """Register an agency system for `organisation` and return a bearer token with `scope`."""
    client, _secret = agency_client_create(
        organisation=organisation, name=name or f"{organisation.code} system"
    )
    token = AccessToken.objects.create(
        application=client.application,
        token=secrets.token_urlsafe(24),
        scope=scope,
        expires=timezone.now() + dt.timedelta(seconds=expires_in),
    )
    return token.token


def sign_in_staff(client: Client, user: User) -> Client:
    """Log `user` in as if they had passed their TOTP check (`user.is_verified()` is true)."""
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def sign_in_person(client: Client, person: Person, *, loa: int = 2, idp: str = "demo") -> Client:
    """Log the person in as their identity provider would: at level of assurance `loa`."""
    client.force_login(
        user_for_person(person=person), backend="django.contrib.auth.backends.ModelBackend"
    )
    session = client.session
    session[SESSION_LOA], session[SESSION_IDP] = loa, idp
    session.save()
    return client
