"""govdoor as an OpenID provider: the full authorization-code + PKCE (S256) flow."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
from io import StringIO
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from jwcrypto import jwk, jwt
from oauth2_provider.models import Application

from govdoor.core.errors import DomainError
from govdoor.identity.models import AgencyClient, LevelOfAssurance, User
from govdoor.identity.oidc_provider import oidc_client_create
from govdoor.identity.tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db
REDIRECT = "https://tax.example/callback"


@pytest.fixture
def app():
    return oidc_client_create(name="Tax office", redirect_uris=[REDIRECT])


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _authorize_params(application: Application, challenge: str | None, **extra: str) -> dict:
    params = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": REDIRECT,
        "scope": "openid profile",
        "state": "st4te",
        "nonce": "n0nce",
        **extra,
    }
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    return params


def _allow(client, params: dict) -> str:
    """Show the consent page, press Continue; the code from the redirect."""
    page = client.get(f"/o/authorize/?{urlencode(params)}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Tax office wants to sign you in" in text
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', text))
    data = {k: html.unescape(v) for k, v in hidden.items() if k != "csrfmiddlewaretoken"}
    response = client.post("/o/authorize/", {**data, "allow": "Authorize"})
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["st4te"]
    return query["code"][0]


def _token(client, application: Application, secret: str, code: str, verifier: str):
    return client.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": application.client_id,
            "client_secret": secret,
            "code_verifier": verifier,
        },
    )


def test_the_full_authorization_code_flow_with_pkce_gives_a_signed_id_token(
    client, app, sign_in
) -> None:
    application, secret = app
    person = PersonFactory(language="fr")
    sign_in(client, person, loa=LevelOfAssurance.SUBSTANTIAL)
    verifier, challenge = _pkce()
    code = _allow(client, _authorize_params(application, challenge))

    response = _token(client, application, secret, code, verifier)
    assert response.status_code == 200, response.content
    tokens = response.json()

    keys = jwk.JWKSet.from_json(client.get("/o/.well-known/jwks.json").content)
    token = jwt.JWT(jwt=tokens["id_token"], key=keys, algs=["RS256"])
    claims = json.loads(token.claims)
    user = User.objects.get(person=person)
    assert json.loads(token.header)["alg"] == "RS256"
    assert claims["iss"] == "http://testserver/o"
    assert claims["aud"] == application.client_id
    assert claims["sub"] == str(user.pk)
    assert claims["nonce"] == "n0nce"
    assert claims["acr"] == "http://eidas.europa.eu/LoA/substantial"
    assert claims["name"] == person.full_name and claims["locale"] == "fr"
    assert person.national_id not in tokens["id_token"]

    info = client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert info.status_code == 200
    assert info.json()["sub"] == str(user.pk) and info.json()["name"] == person.full_name
    assert info.json()["acr"] == "http://eidas.europa.eu/LoA/substantial"
    assert info.json()["locale"] == "fr"


def test_the_level_of_the_sign_in_reaches_the_token(client, app, sign_in) -> None:
    application, secret = app
    sign_in(client, PersonFactory(), loa=LevelOfAssurance.HIGH)
    verifier, challenge = _pkce()
    code = _allow(client, _authorize_params(application, challenge))
    id_token = _token(client, application, secret, code, verifier).json()["id_token"]
    keys = jwk.JWKSet.from_json(client.get("/o/.well-known/jwks.json").content)
    claims = json.loads(jwt.JWT(jwt=id_token, key=keys).claims)
    assert claims["acr"] == "http://eidas.europa.eu/LoA/high"


def test_authorize_sends_a_signed_out_person_to_sign_in(client, app) -> None:
    application, _ = app
    _, challenge = _pkce()
    response = client.get(f"/o/authorize/?{urlencode(_authorize_params(application, challenge))}")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")


def test_a_client_asking_a_higher_acr_makes_the_person_step_up(client, app, sign_in) -> None:
    application, _ = app
    sign_in(client, PersonFactory(), loa=LevelOfAssurance.LOW)
    _, challenge = _pkce()
    params = _authorize_params(application, challenge, acr_values="http://eidas.europa.eu/LoA/high")
    response = client.get(f"/o/authorize/?{urlencode(params)}")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=%2Fo%2Fauthorize%2F")
    assert response["Location"].endswith("&loa=3")


def test_a_wrong_redirect_uri_shows_an_error_and_never_redirects_to_it(
    client, app, sign_in
) -> None:
    application, _ = app
    sign_in(client, PersonFactory())
    _, challenge = _pkce()
    params = _authorize_params(application, challenge, redirect_uri="https://evil.example/cb")
    response = client.get(f"/o/authorize/?{urlencode(params)}")
    assert response.status_code in (200, 400)
    assert "Location" not in response
    assert "Sign-in request refused" in response.content.decode()


def test_a_request_without_code_challenge_is_refused(client, app, sign_in) -> None:
    application, _ = app
    sign_in(client, PersonFactory())
    response = client.get(f"/o/authorize/?{urlencode(_authorize_params(application, None))}")
    assert response.status_code == 302
    query = parse_qs(urlparse(response["Location"]).query)
    assert response["Location"].startswith(REDIRECT)
    assert query["error"] == ["invalid_request"] and "code" not in query


def test_a_wrong_code_verifier_and_a_reused_code_are_invalid_grants(client, app, sign_in) -> None:
    application, secret = app
    sign_in(client, PersonFactory())
    verifier, challenge = _pkce()
    code = _allow(client, _authorize_params(application, challenge))
    wrong = _token(client, application, secret, code, secrets.token_urlsafe(48))
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"

    code = _allow(client, _authorize_params(application, challenge))
    assert _token(client, application, secret, code, verifier).status_code == 200
    reused = _token(client, application, secret, code, verifier)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


def test_oidc_client_create_registers_a_confidential_code_flow_client() -> None:
    org = OrganisationFactory()
    application, secret = oidc_client_create(
        name="Housing", redirect_uris=[REDIRECT], organisation=org
    )
    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    assert application.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert application.algorithm == Application.RS256_ALGORITHM
    assert application.client_secret != secret  # stored hashed
    assert AgencyClient.objects.get(application=application).organisation == org
    with pytest.raises(DomainError):
        oidc_client_create(name="Housing", redirect_uris=[])
    with pytest.raises(DomainError):
        oidc_client_create(name="Housing", redirect_uris=["not a uri"])


def test_the_oidc_client_create_command_prints_id_and_secret() -> None:
    out = StringIO()
    call_command("oidc_client_create", "Permits", "--redirect-uri", REDIRECT, stdout=out)
    text = out.getvalue()
    application = Application.objects.get(name="Permits")
    assert f"client_id: {application.client_id}" in text and "client_secret: " in text
    with pytest.raises(CommandError):
        call_command(
            "oidc_client_create",
            "X",
            "--redirect-uri",
            REDIRECT,
            "--organisation",
            "nope",
            stdout=StringIO(),
        )
