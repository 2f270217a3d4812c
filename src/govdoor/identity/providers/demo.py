"""The demo IdP: pick any person of the demo country and a level of assurance.

Why it exists: the demo and the tests need sign-in without an outside service. It is
available only in demo and test mode, and only when listed in GOVDOOR_IDENTITY_PROVIDERS.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from govdoor.identity.models import LevelOfAssurance
from govdoor.identity.providers import IdentityProvider, idps


@idps.register("demo")
class DemoIdentityProvider(IdentityProvider):
    id = "demo"
    label = _("Demo sign-in")
    description = _("Sign in as any person of the demo country. Not for real use.")
    max_loa = int(LevelOfAssurance.HIGH)

    def available(self) -> bool:
        return settings.GOVDOOR_MODE in {"demo", "test"}

    def start_url(self, *, next_url: str, loa: int) -> str:
        return f"{reverse('identity:sign-in-demo')}?{urlencode({'next': next_url, 'loa': loa})}"
