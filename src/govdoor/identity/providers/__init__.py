"""Identity provider plugins for citizen sign-in.

A plugin says what to show on the sign-in page and where to send the person to start; the
provider itself ends by calling `govdoor.identity.signin` (directly or through OIDC).
Enabled plugins come from `settings.GOVDOOR_IDENTITY_PROVIDERS`, in that order.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import Promise

from govdoor.core.registry import Registry


class IdentityProvider:
    """Base of IdP plugins: subclass, set the attributes, register with `@idps.register`."""

    id: str = ""
    label: str | Promise = ""
    description: str | Promise = ""
    max_loa: int = 3

    def available(self) -> bool:
        """False when the provider is not usable in this deployment (mode, configuration)."""
        raise NotImplementedError

    def start_url(self, *, next_url: str, loa: int) -> str:
        """Where the person goes to sign in, coming back to `next_url` at `loa` or higher."""
        raise NotImplementedError


idps: Registry[type[IdentityProvider]] = Registry("identity providers")


def enabled_idps() -> list[IdentityProvider]:
    from govdoor.identity.providers import demo, national  # noqa: F401  (registration)

    enabled = []
    for plugin_id in settings.GOVDOOR_IDENTITY_PROVIDERS:
        if plugin_id in idps:
            provider = idps.get(plugin_id)()
            if provider.available():
                enabled.append(provider)
    return enabled


def idp_enabled(plugin_id: str) -> bool:
    return any(p.id == plugin_id for p in enabled_idps())
