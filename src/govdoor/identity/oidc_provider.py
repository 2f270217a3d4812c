"""govdoor as an OpenID Connect provider for agency applications (django-oauth-toolkit)."""

from __future__ import annotations

from oauth2_provider.oauth2_validators import OAuth2Validator


class GovdoorOAuth2Validator(OAuth2Validator):
    pass
