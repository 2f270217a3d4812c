"""One oauthlib server per process, rebuilt when the OAuth settings change."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings

from govdoor.identity import api_auth
from govdoor.identity.testing import agency_access_token
from govdoor.identity.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_oauthlib_server_is_built_once_and_serves_every_call(client: Client) -> None:
    api_auth._cached_core.cache_clear()
    value = agency_access_token(organisation=OrganisationFactory(), scope="exchange")
    for _ in range(3):
        response = client.get("/api/v1/exchange/purposes", HTTP_AUTHORIZATION=f"Bearer {value}")
        assert response.status_code == 200
    assert api_auth._cached_core.cache_info().currsize == 1
    assert api_auth._cached_core.cache_info().misses == 1


def test_changed_oauth_settings_build_a_new_server() -> None:
    first = api_auth._cached_core()
    with override_settings(OAUTH2_PROVIDER={**settings.OAUTH2_PROVIDER, "PKCE_REQUIRED": False}):
        assert api_auth._cached_core() is not first
    assert api_auth._cached_core() is not first  # and again on the way back


def test_a_bad_token_and_a_missing_token_are_refused(client: Client) -> None:
    bad = client.get("/api/v1/exchange/purposes", HTTP_AUTHORIZATION="Bearer nope")
    assert bad.status_code == 401
    assert bad["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/exchange/purposes").status_code in (401, 403)


def test_a_malformed_query_string_is_a_bad_request_not_a_crash(client: Client) -> None:
    value = agency_access_token(organisation=OrganisationFactory(), scope="exchange")
    response = client.get("/api/v1/exchange/purposes?x=%zz", HTTP_AUTHORIZATION=f"Bearer {value}")
    assert response.status_code == 400
