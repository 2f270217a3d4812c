"""What every citizen sign-in does, whatever identity provider vouched for the person.

Why through the `user_logged_in` signal: the national IdP signs in inside
mozilla-django-oidc's callback view, the demo IdP in ours. Both mark the user with a
`SignIn` and call `django.contrib.auth.login` (which rotates the session key against
session fixation); the receiver then records the level of assurance and the provider in
the session, picks the person's language and refreshes mandates from the register.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from govdoor.identity.decorators import SESSION_ACTING_FOR, SESSION_IDP, SESSION_LOA
from govdoor.identity.models import LevelOfAssurance, User
from govdoor.identity.services import register_mandates_sync

logger = logging.getLogger(__name__)

SESSION_LANGUAGE = "django_language"
SIGNIN_ATTR = "_govdoor_signin"


@dataclass(frozen=True)
class SignIn:
    loa: int
    idp: str


def mark_sign_in(user: User, *, loa: int, idp: str) -> User:
    setattr(user, SIGNIN_ATTR, SignIn(loa=int(LevelOfAssurance(loa)), idp=idp))
    return user


def citizen_sign_in(request: HttpRequest, *, user: User, loa: int, idp: str) -> None:
    """Sign `user` in at `loa` through `idp` (the demo IdP; the national one goes via OIDC)."""
    mark_sign_in(user, loa=loa, idp=idp)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")


def language_chosen(request: HttpRequest) -> bool:
    return bool(
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or request.session.get(SESSION_LANGUAGE)
    )


@receiver(user_logged_in, dispatch_uid="govdoor.identity.citizen_signed_in")
def citizen_signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    sign_in: SignIn | None = getattr(user, SIGNIN_ATTR, None)
    if sign_in is None or request is None or user.person_id is None:
        return
    previous_loa = int(request.session.get(SESSION_LOA, 0))
    request.session[SESSION_LOA] = sign_in.loa
    request.session[SESSION_IDP] = sign_in.idp
    if previous_loa and sign_in.loa < previous_loa:
        # A lower sign-in than before ends acting for others: re-check on the next request.
        request.session.pop(SESSION_ACTING_FOR, None)
    person = user.person
    assert person is not None
    available = {code for code, _name in settings.LANGUAGES}
    if not language_chosen(request) and person.language in available:
        request.session[SESSION_LANGUAGE] = person.language
    register_mandates_sync(person=person)
    logger.info(
        "citizen signed in", extra={"user_id": str(user.pk), "idp": sign_in.idp, "loa": sign_in.loa}
    )


def safe_next(request: HttpRequest, value: str | None, default: str | None = None) -> str:
    """`value` when it is a local URL, else `default` (no open redirects)."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default if default is not None else str(settings.LOGIN_REDIRECT_URL)


def requested_loa(value: str | None) -> int:
    """The `?loa=` a page asked for: 1, 2 or 3; anything else means Low."""
    try:
        return int(LevelOfAssurance(int(value or LevelOfAssurance.LOW)))
    except (TypeError, ValueError):
        return int(LevelOfAssurance.LOW)


def sign_in_url(*, next_url: str, loa: int) -> str:
    from urllib.parse import urlencode

    return f"{reverse('identity:sign-in')}?{urlencode({'next': next_url, 'loa': loa})}"
