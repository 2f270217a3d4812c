"""The prepared bearer-token lookup answers exactly what django-oauth-toolkit's ORM query does."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from govdoor.identity.testing import agency_access_token
from govdoor.identity.tests.factories import OrganisationFactory, UserFactory
from govdoor.identity.token_lookup import access_token_by_value

pytestmark = pytest.mark.django_db


def _orm(value: str) -> AccessToken:
    return AccessToken.objects.select_related("application", "user").get(token=value)


def _same(a: object, b: object) -> None:
    assert type(a) is type(b)
    assert model_to_dict(a) == model_to_dict(b)  # type: ignore[arg-type]
    for field in type(a)._meta.concrete_fields:  # type: ignore[attr-defined]
        assert getattr(a, field.attname) == getattr(b, field.attname), field.name


def test_an_agency_token_is_loaded_with_its_application_and_no_user(
    django_assert_num_queries,
) -> None:
    value = agency_access_token(organisation=OrganisationFactory(), scope="exchange")
    with django_assert_num_queries(1):
        token = access_token_by_value(value)
        application, user = token.application, token.user  # cached: no further query
    expected = _orm(value)
    _same(token, expected)
    _same(application, expected.application)
    assert user is None and expected.user is None
    assert token.is_valid(["exchange"]) and not token.is_valid(["registers:write"])


def test_a_token_with_a_user_brings_the_user_as_the_orm_does() -> None:
    value = agency_access_token(organisation=OrganisationFactory(), scope="openid")
    user = UserFactory()
    AccessToken.objects.filter(token=value).update(user=user)
    token = access_token_by_value(value)
    _same(token.user, _orm(value).user)
    assert token.user.pk == user.pk


def test_a_token_without_application_loads_with_none() -> None:
    value = secrets.token_urlsafe(24)
    AccessToken.objects.create(
        token=value, scope="openid", expires=timezone.now() + dt.timedelta(minutes=5)
    )
    token = access_token_by_value(value)
    assert token.application is None and token.user is None


def test_an_unknown_or_empty_token_is_none() -> None:
    agency_access_token(organisation=OrganisationFactory(), scope="exchange")
    assert access_token_by_value("not-a-token") is None
    assert access_token_by_value("") is None


def test_an_expired_token_is_loaded_but_refused_by_the_api(client: Client) -> None:
    value = agency_access_token(organisation=OrganisationFactory(), scope="exchange")
    AccessToken.objects.filter(token=value).update(expires=timezone.now() - dt.timedelta(seconds=1))
    assert access_token_by_value(value) is not None
    response = client.get("/api/v1/exchange/purposes", HTTP_AUTHORIZATION=f"Bearer {value}")
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_valid_token_passes_and_a_wrong_scope_is_forbidden(client: Client) -> None:
    organisation = OrganisationFactory()
    good = agency_access_token(organisation=organisation, scope="exchange")
    other = agency_access_token(organisation=organisation, scope="messaging", name="other")
    ok = client.get("/api/v1/exchange/purposes", HTTP_AUTHORIZATION=f"Bearer {good}")
    assert ok.status_code == 200
    wrong = client.get("/api/v1/exchange/purposes", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert wrong.status_code == 403
