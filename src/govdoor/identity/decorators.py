"""View guards for the two front ends: a signed-in person (with a level of assurance) or staff.

Session keys (the contract between sign-in and every page):
- "govdoor.loa": the level of assurance of the current sign-in (int, LevelOfAssurance)
- "govdoor.idp": the identity provider plugin id that signed the person in
- "govdoor.acting_for": the id of the mandate the person now acts under, if any
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from govdoor.identity.models import LevelOfAssurance

SESSION_LOA = "govdoor.loa"
SESSION_IDP = "govdoor.idp"
SESSION_ACTING_FOR = "govdoor.acting_for"

View = Callable[..., HttpResponse]


def session_loa(request: HttpRequest) -> int:
    return int(request.session.get(SESSION_LOA, 0)) if request.user.is_authenticated else 0


def person_required(loa: int = LevelOfAssurance.LOW) -> Callable[[View], View]:
    """A signed-in person at `loa` or higher; otherwise sign in (or step up) and come back."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            signed_in = user.is_authenticated and getattr(user, "person_id", None) is not None
            if not signed_in or session_loa(request) < loa:
                query = urlencode({"next": request.get_full_path(), "loa": int(loa)})
                return HttpResponseRedirect(f"{reverse('identity:sign-in')}?{query}")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def staff_required(view: View) -> View:
    """Signed-in staff with a verified second factor and at least one role."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        verified = getattr(user, "is_verified", lambda: False)()
        if not (user.is_authenticated and verified and user.staff_roles.exists()):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('identity:staff-sign-in')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
