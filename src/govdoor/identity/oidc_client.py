"""Sign-in through an external national IdP over OpenID Connect (mozilla-django-oidc)."""

from __future__ import annotations

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class NationalIdPBackend(OIDCAuthenticationBackend):
    pass
