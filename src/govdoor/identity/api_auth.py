"""Bearer-token authentication for the API: django-oauth-toolkit's, with one oauthlib server
per process instead of one per request.

Why: DOT's `get_oauthlib_core()` builds a new validator, oauthlib server (nine grant types
and their endpoints) and backend on every authenticated call, a fifth of a millisecond of
CPU on each API request for objects that hold no request state (oauthlib passes a Request
object through every call). The server is rebuilt when the OAuth settings change.
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.core.signals import setting_changed
from django.dispatch import receiver
from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.oauth2_backends import get_oauthlib_core

_cached_core = functools.cache(get_oauthlib_core)


@receiver(setting_changed)
def _core_forget(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("OAUTH2_PROVIDER"):
        _cached_core.cache_clear()


class BearerTokenAuthentication(OAuth2Authentication):  # type: ignore[misc]
    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        if request is None:
            return None
        try:
            valid, oauth_request = _cached_core().verify_request(request, scopes=[])
        except ValueError as error:  # as DOT: a malformed query string is not a server error
            if str(error) == "Invalid hex encoding in query string.":
                raise SuspiciousOperation(error) from error
            raise
        if valid:
            return oauth_request.user, oauth_request.access_token
        request.oauth2_error = getattr(oauth_request, "oauth2_error", {})
        return None


class BearerTokenScheme(DjangoOAuthToolkitScheme):  # type: ignore[misc]
    """The OpenAPI security scheme stays DOT's "oauth2" (drf-spectacular does not match
    subclasses of an authentication class unless told to)."""

    target_class = "govdoor.identity.api_auth.BearerTokenAuthentication"
