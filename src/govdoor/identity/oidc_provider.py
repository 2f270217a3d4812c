"""govdoor as an OpenID Connect provider for agency applications (django-oauth-toolkit).

ID tokens carry `sub` (the User's opaque UUID), `name`, `locale` and `acr`, the level of
assurance of the sign-in that approved the request. Why the level travels in the grant:
the token endpoint is called by the agency's server, without the person's session, so the
authorize step writes the session's level into the grant's stored claims and the token
step reads it back from there.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from oauth2_provider.models import Application
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import AuthorizationView

from govdoor.core.errors import DomainError
from govdoor.identity.decorators import session_loa
from govdoor.identity.models import AgencyClient, LevelOfAssurance, TokenAssurance
from govdoor.identity.oidc_client import EIDAS_LOA, loa_from_claim
from govdoor.identity.token_lookup import access_token_by_value
from govdoor.organisations.models import Organisation

LOA_CREDENTIAL = "govdoor_loa"
LOA_CLAIM_KEY = "_govdoor_loa"  # private key inside the grant's stored claims


class GovdoorOAuth2Validator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "acr": "openid"}

    def _load_access_token(self, token: str) -> Any:
        """The same token, application and user as DOT's ORM query, from one prepared
        statement (see identity.token_lookup: it is the costliest step of an API call)."""
        return access_token_by_value(token)

    def _create_authorization_code(self, request: Any, code: Any, expires: Any = None) -> Any:
        loa = getattr(request, LOA_CREDENTIAL, None)
        if loa:
            claims = request.claims if isinstance(request.claims, dict) else {}
            request.claims = {**claims, LOA_CLAIM_KEY: int(loa)}
        return super()._create_authorization_code(request, code, expires)

    def _save_id_token(self, jti: Any, request: Any, expires: Any, *args: Any, **kw: Any) -> Any:
        id_token = super()._save_id_token(jti, request, expires, *args, **kw)
        loa = _stored_loa(request)
        if loa is not None:
            TokenAssurance.objects.create(id_token=id_token, level=loa)
        return id_token

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        person = getattr(user, "person", None)
        claims: dict[str, Any] = {
            "name": person.full_name if person else user.get_full_name() or user.username,
            "locale": person.language if person else user.preferred_language,
        }
        loa = _stored_loa(request)
        if loa is None:  # userinfo: no grant, but the ID token issued with this access token
            id_token_id = getattr(getattr(request, "access_token", None), "id_token_id", None)
            loa = (
                TokenAssurance.objects.filter(id_token_id=id_token_id)
                .values_list("level", flat=True)
                .first()
                if id_token_id
                else None
            )
        if loa is not None:
            claims["acr"] = EIDAS_LOA[LevelOfAssurance(loa)]
        return claims


def _stored_loa(request: Any) -> int | None:
    """The level the authorize step wrote into the grant's claims (token endpoint only)."""
    stored = request.claims if isinstance(getattr(request, "claims", None), dict) else {}
    loa = stored.get(LOA_CLAIM_KEY)
    return int(loa) if loa in LevelOfAssurance.values else None


class GovdoorAuthorizationView(AuthorizationView):
    """DOT's authorize view, stepping up when the client asks for a higher `acr_values`.

    Why its own template name: "oauth2_provider" precedes this app in INSTALLED_APPS, so a
    template at oauth2_provider/authorize.html here would never be found.
    """

    template_name = "identity/oauth2_authorize.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wanted = loa_from_claim((request.GET.get("acr_values") or "").split()[:1])
        if request.user.is_authenticated and wanted and session_loa(request) < wanted:
            from govdoor.identity.signin import sign_in_url

            return HttpResponseRedirect(sign_in_url(next_url=request.get_full_path(), loa=wanted))
        return super().get(request, *args, **kwargs)

    def create_authorization_response(
        self, request: HttpRequest, scopes: str, credentials: dict[str, Any], allow: bool
    ) -> Any:
        credentials = {**credentials, LOA_CREDENTIAL: session_loa(request)}
        return super().create_authorization_response(request, scopes, credentials, allow)


@transaction.atomic
def oidc_client_create(
    *,
    name: str,
    redirect_uris: Sequence[str],
    organisation: Organisation | None = None,
) -> tuple[Application, str]:
    """Register an agency web application (authorization code + PKCE, RS256 ID tokens).

    Returns the application and its client secret, which is stored hashed and shown once.
    """
    uris = [u.strip() for u in redirect_uris if u.strip()]
    if not name.strip():
        raise DomainError(_("Give the application a name."), field="name")
    if not uris:
        raise DomainError(_("Give at least one redirect URI."), field="redirect_uris")
    client_secret = secrets.token_urlsafe(32)
    application = Application(
        name=name.strip(),
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(uris),
        client_secret=client_secret,
        hash_client_secret=True,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False,
    )
    try:
        application.full_clean(exclude=["client_secret", "user"])
    except Exception as exc:
        raise DomainError(
            _("Invalid application: %(error)s") % {"error": exc}, field="redirect_uris"
        ) from None
    application.save()
    if organisation is not None:
        AgencyClient.objects.create(
            application=application, organisation=organisation, name=application.name
        )
    return application, client_secret
