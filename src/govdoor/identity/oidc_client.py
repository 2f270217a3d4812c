"""Sign-in through an external national IdP over OpenID Connect (mozilla-django-oidc).

The IdP's national-id claim (OIDC_NATIONAL_ID_CLAIM) finds the Person through the blind
index; the acr claim (OIDC_LOA_CLAIM) becomes the session's level of assurance. Why a
person unknown to the register is refused rather than created: the population register is
the only source of people; an IdP vouches for who someone is, not that they exist here.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from govdoor.identity.models import LevelOfAssurance, User
from govdoor.identity.national_id import national_id_valid
from govdoor.identity.selectors import person_by_national_id
from govdoor.identity.services import user_for_person
from govdoor.identity.signin import mark_sign_in, requested_loa

logger = logging.getLogger(__name__)

EIDAS_LOA = {
    LevelOfAssurance.LOW: "http://eidas.europa.eu/LoA/low",
    LevelOfAssurance.SUBSTANTIAL: "http://eidas.europa.eu/LoA/substantial",
    LevelOfAssurance.HIGH: "http://eidas.europa.eu/LoA/high",
}
_LOA_WORDS = {
    "low": LevelOfAssurance.LOW,
    "1": LevelOfAssurance.LOW,
    "substantial": LevelOfAssurance.SUBSTANTIAL,
    "2": LevelOfAssurance.SUBSTANTIAL,
    "high": LevelOfAssurance.HIGH,
    "3": LevelOfAssurance.HIGH,
}


def loa_from_claim(value: Any) -> int | None:
    """Map an acr value ("substantial", "2", an eIDAS URI, or a list of them) to a level.

    A list counts as its highest known level; an unknown value gives None (refused).
    """
    values = value if isinstance(value, list | tuple) else [value]
    levels = []
    for item in values:
        if not isinstance(item, str | int) or isinstance(item, bool):
            continue
        text = str(item).strip().lower().rstrip("/")
        last = text.replace(":", "/").rsplit("/", 1)[-1]
        last = last.removeprefix("loa").removeprefix("-").removeprefix("_")
        if last in _LOA_WORDS:
            levels.append(int(_LOA_WORDS[last]))
    return max(levels) if levels else None


class NationalIdPBackend(OIDCAuthenticationBackend):
    """Finds (never creates) the Person the IdP vouches for, and signs them in at its acr."""

    idp_id = "national"

    def _refuse(self, message: str, reason: str) -> None:
        logger.warning("national IdP sign-in refused", extra={"reason": reason})
        request = getattr(self, "request", None)
        if request is not None and hasattr(request, "_messages"):
            messages.error(request, message)

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        userinfo = self.get_userinfo(access_token, id_token, payload) or {}
        claims = {**payload, **userinfo}  # the signed ID token first, userinfo may add more
        nid = claims.get(settings.OIDC_NATIONAL_ID_CLAIM)
        if not isinstance(nid, str) or not national_id_valid(nid):
            self._refuse(
                _("The identity provider did not give a valid national number."),
                "national id claim missing or malformed",
            )
            return None
        person = person_by_national_id(nid)
        if person is None or person.deceased_on is not None:
            self._refuse(
                _("We could not find you in the population register."), "no person for national id"
            )
            return None
        loa = loa_from_claim(claims.get(settings.OIDC_LOA_CLAIM))
        if loa is None:
            self._refuse(
                _("The identity provider did not say how sure it is who you are."),
                "acr claim missing or unknown",
            )
            return None
        user = user_for_person(person=person)
        return mark_sign_in(user, loa=loa, idp=self.idp_id)

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        nid = claims.get(settings.OIDC_NATIONAL_ID_CLAIM)
        person = person_by_national_id(nid) if isinstance(nid, str) else None
        return User.objects.filter(person=person) if person else User.objects.none()


class NationalSignInStart(OIDCAuthenticationRequestView):
    """Starts the OIDC flow, asking the IdP for the level of assurance the page needs."""

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        params = dict(super().get_extra_params(request))
        loa = LevelOfAssurance(requested_loa(request.GET.get("loa")))
        params["acr_values"] = EIDAS_LOA[loa]
        return params
