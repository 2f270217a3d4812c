"""The national IdP over OpenID Connect (mozilla-django-oidc; see identity/oidc_client.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from govdoor.identity.models import LevelOfAssurance
from govdoor.identity.providers import IdentityProvider, idps


@idps.register("national")
class NationalIdentityProvider(IdentityProvider):
    id = "national"
    label = _("National digital identity")
    description = _("Sign in with your national digital identity.")
    max_loa = int(LevelOfAssurance.HIGH)

    def available(self) -> bool:
        return bool(settings.OIDC_RP_CLIENT_ID and settings.OIDC_OP_AUTHORIZATION_ENDPOINT)

    def start_url(self, *, next_url: str, loa: int) -> str:
        query = urlencode({"next": next_url, "loa": loa})
        return f"{reverse('identity:sign-in-national')}?{query}"
