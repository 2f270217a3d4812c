"""The national IdP plugin (mozilla-django-oidc) with mocked token, JWKS and userinfo answers."""

from __future__ import annotations

import json
import time
from typing import Any
from unittest import mock

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings

from govdoor.identity.decorators import SESSION_IDP, SESSION_LOA
from govdoor.identity.models import LevelOfAssurance, User
from govdoor.identity.national_id import national_id_generate
from govdoor.identity.oidc_client import NationalIdPBackend, loa_from_claim
from govdoor.identity.providers import enabled_idps
from govdoor.identity.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

OIDC = {
    "OIDC_RP_CLIENT_ID": "govdoor",
    "OIDC_RP_CLIENT_SECRET": "s3cret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.example/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.example/jwks",
    "GOVDOOR_IDENTITY_PROVIDERS": ["national", "demo"],
}
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWK = {
    **json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key())),
    "kid": "k1",
    "alg": "RS256",
    "use": "sig",
}


class FakeResponse:
    def __init__(self, body: Any, status: int = 200) -> None:
        self.body, self.status_code, self.headers = (
            body,
            status,
            {"content-type": "application/json"},
        )
        self.url, self.text = "https://idp.example", json.dumps(body)

    def json(self) -> Any:
        return self.body

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise RuntimeError(self.status_code)


def _id_token(nonce: str, **claims: Any) -> str:
    now = int(time.time())
    body = {
        "iss": "https://idp.example",
        "aud": "govdoor",
        "sub": "idp-123",
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
        **claims,
    }
    return jwt.encode(body, KEY, algorithm="RS256", headers={"kid": "k1"})


def _callback(client, *, id_claims: dict, userinfo: dict | None = None):
    """Start the flow (state and nonce into the session), then come back with a code."""
    start = client.get("/sign-in/national/?next=/my/tax/&loa=2")
    assert start.status_code == 302
    location = start["Location"]
    assert location.startswith("https://idp.example/authorize")
    assert "acr_values=http%3A%2F%2Feidas.europa.eu%2FLoA%2Fsubstantial" in location
    assert "code_challenge=" in location
    state = next(iter(client.session["oidc_states"]))
    nonce = client.session["oidc_states"][state]["nonce"]
    posted: dict[str, Any] = {}

    def post(url: str, data: dict, **kw: Any) -> FakeResponse:
        posted.update(data)
        return FakeResponse(
            {
                "access_token": "at",
                "id_token": _id_token(nonce, **id_claims),
                "token_type": "Bearer",
            }
        )

    def get(url: str, **kw: Any) -> FakeResponse:
        return FakeResponse({"keys": [JWK]} if url.endswith("jwks") else (userinfo or {}))

    with (
        mock.patch("mozilla_django_oidc.auth.requests.post", side_effect=post),
        mock.patch("mozilla_django_oidc.auth.requests.get", side_effect=get),
    ):
        response = client.get("/oidc/callback/", {"code": "c0de", "state": state})
    assert posted["code_verifier"]
    return response


@override_settings(**OIDC)
def test_the_national_idp_signs_a_known_person_in_at_the_level_it_asserts(client) -> None:
    person = PersonFactory()
    response = _callback(
        client,
        id_claims={
            "national_id": person.national_id,
            "acr": "http://eidas.europa.eu/LoA/substantial",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/my/tax/"
    user = User.objects.get(person=person)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[SESSION_LOA] == LevelOfAssurance.SUBSTANTIAL
    assert client.session[SESSION_IDP] == "national"


@override_settings(**OIDC, OIDC_NATIONAL_ID_CLAIM="nin", OIDC_LOA_CLAIM="loa")
def test_the_claim_names_come_from_settings_and_userinfo_may_carry_them(client) -> None:
    person = PersonFactory()
    _callback(client, id_claims={}, userinfo={"nin": person.national_id, "loa": "high"})
    assert client.session[SESSION_LOA] == LevelOfAssurance.HIGH


@override_settings(**OIDC)
def test_an_unknown_person_is_refused_and_no_user_is_created(client) -> None:
    response = _callback(
        client, id_claims={"national_id": national_id_generate(4242), "acr": "high"}
    )
    assert response.status_code == 302 and response["Location"] != "/my/tax/"
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()


@override_settings(**OIDC)
@pytest.mark.parametrize(
    "claims",
    [
        {"acr": "high"},
        {"national_id": "12345", "acr": "high"},
        {"national_id": "PERSON", "acr": "very-sure"},
        {"national_id": "PERSON"},
    ],
)
def test_missing_or_malformed_claims_are_refused(client, claims: dict) -> None:
    person = PersonFactory()
    claims = {k: (person.national_id if v == "PERSON" else v) for k, v in claims.items()}
    _callback(client, id_claims=claims)
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()


@override_settings(**OIDC)
def test_the_backend_maps_the_national_id_claim_to_the_persons_user(rf) -> None:
    person = PersonFactory()
    backend = NationalIdPBackend()
    backend.request = rf.get("/")
    with mock.patch.object(backend, "get_userinfo", return_value={"acr": "2"}):
        user = backend.get_or_create_user("at", "it", {"national_id": person.national_id})
    assert user is not None and user.person == person
    assert list(backend.filter_users_by_claims({"national_id": person.national_id})) == [user]
    assert not backend.filter_users_by_claims({"national_id": national_id_generate(1)}).exists()


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("low", 1),
        ("Substantial", 2),
        ("HIGH", 3),
        ("2", 2),
        (3, 3),
        ("http://eidas.europa.eu/LoA/high", 3),
        ("http://eidas.europa.eu/LoA/low", 1),
        ("urn:govdoor:loa:substantial", 2),
        (["low", "http://eidas.europa.eu/LoA/high"], 3),
        ("medium", None),
        ("", None),
        (None, None),
        (True, None),
        ([], None),
    ],
)
def test_acr_values_map_to_levels_of_assurance(value: Any, level: int | None) -> None:
    assert loa_from_claim(value) == level


def test_the_national_provider_is_enabled_only_when_configured() -> None:
    with override_settings(GOVDOOR_IDENTITY_PROVIDERS=["national"]):
        assert enabled_idps() == []
    with override_settings(**OIDC):
        assert [p.id for p in enabled_idps()] == ["national", "demo"]
