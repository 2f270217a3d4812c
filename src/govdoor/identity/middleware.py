"""Puts `request.acting_for` on every request (the person or business the user acts for).

None when acting for oneself or not signed in; otherwise an `ActingFor` built from the
mandate in the session, re-validated on every request: a mandate revoked or expired
mid-session drops the person back to acting for themself, with a message saying why.

Also sets the language cookie after a sign-in picked the person's language (the session
key alone no longer drives Django's LocaleMiddleware).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from govdoor.core.errors import DomainError
from govdoor.identity.decorators import SESSION_ACTING_FOR
from govdoor.identity.selectors import ActingFor, acting_for_from, mandate_for
from govdoor.identity.signin import SESSION_LANGUAGE


def acting_for_of(request: HttpRequest) -> ActingFor | None:
    session = getattr(request, "session", None)
    mandate_id = session.get(SESSION_ACTING_FOR) if session is not None else None
    if not mandate_id:
        return None
    person = getattr(request.user, "person", None) if request.user.is_authenticated else None
    if person is None:
        session.pop(SESSION_ACTING_FOR, None)  # type: ignore[union-attr]
        return None
    try:
        mandate = mandate_for(representative=person, mandate_id=mandate_id)
    except DomainError as exc:
        session.pop(SESSION_ACTING_FOR, None)  # type: ignore[union-attr]
        messages.warning(
            request, _("You now act for yourself again: %(reason)s") % {"reason": exc.detail}
        )
        return None
    return acting_for_from(mandate)


class ActingForMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.acting_for = acting_for_of(request)  # type: ignore[attr-defined]
        response = self.get_response(request)
        session = getattr(request, "session", None)
        language = session.get(SESSION_LANGUAGE) if session is not None else None
        cookie = settings.LANGUAGE_COOKIE_NAME
        if language and not request.COOKIES.get(cookie) and cookie not in response.cookies:
            response.set_cookie(
                cookie,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
