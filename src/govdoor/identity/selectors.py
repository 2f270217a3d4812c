"""Reading people and mandates. Selectors never write; they raise domain errors on refusal.

Why `mandate_for` distinguishes Refused from NotFound: a representative needs to know why a
mandate they hold no longer works (expired, revoked, out of scope), but an id that is not a
mandate at all answers 404 so the API never confirms anything about other people.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.crypto import blind_index
from govdoor.core.errors import NotFound, Refused
from govdoor.core.ids import uuid_or_none
from govdoor.identity.models import Mandate, Person

NATIONAL_ID_PURPOSE = "person.national_id"


def national_id_index(nid: str) -> str:
    return blind_index(nid, purpose=NATIONAL_ID_PURPOSE)


def person_by_national_id(nid: str) -> Person | None:
    """Exact lookup through the blind index (the number itself is never queried)."""
    if not nid or not nid.strip():
        return None
    return Person.objects.filter(national_id_index=national_id_index(nid)).first()


def person_get(person_id: object) -> Person:
    pk = uuid_or_none(person_id)
    person = Person.objects.filter(pk=pk).first() if pk else None
    if person is None:
        raise NotFound(_("No such person."))
    return person


def persons_search(query: str) -> QuerySet[Person]:
    """People whose names contain every word of `query` (demo sign-in, back office lookups)."""
    people = Person.objects.all()
    for word in query.split()[:4]:
        people = people.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    return people.order_by("family_name", "given_name", "id")


def _in_force(on: dt.date) -> Q:
    return (
        Q(revoked_at__isnull=True)
        & Q(valid_from__lte=on)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    )


def mandates_held(person: Person, on: dt.date | None = None) -> QuerySet[Mandate]:
    """Mandates `person` may act under on the day `on` (today by default)."""
    on = on or clock.today()
    return (
        Mandate.objects.filter(_in_force(on), representative=person)
        .select_related("represented_person", "represented_business")
        .order_by("valid_from", "id")
    )


def mandates_given(person: Person) -> QuerySet[Mandate]:
    """Mandates others hold for `person` (all of them, also ended ones: it is their history)."""
    return (
        Mandate.objects.filter(represented_person=person)
        .select_related("representative", "represented_person", "represented_business")
        .order_by("-created_at", "id")
    )


def mandates_of(person: Person) -> QuerySet[Mandate]:
    """Every mandate `person` is a party to: held or given."""
    return (
        Mandate.objects.filter(Q(representative=person) | Q(represented_person=person))
        .select_related("representative", "represented_person", "represented_business")
        .order_by("-created_at", "id")
    )


def mandate_of_party(*, person: Person, mandate_id: object) -> Mandate:
    """A mandate `person` holds or gave; anything else answers NotFound."""
    pk = uuid_or_none(mandate_id)
    mandate = mandates_of(person).filter(pk=pk).first() if pk else None
    if mandate is None:
        raise NotFound(_("No such mandate."))
    return mandate


def mandate_state(mandate: Mandate, on: dt.date | None = None) -> str:
    """ "active", "revoked", "expired" or "future" on the day `on`."""
    on = on or clock.today()
    if mandate.revoked_at is not None:
        return "revoked"
    if mandate.valid_from > on:
        return "future"
    if mandate.valid_until is not None and mandate.valid_until < on:
        return "expired"
    return "active"


def mandate_covers(mandate: Mandate, scope: str | None) -> bool:
    if scope is None:
        return True
    granted = mandate.scope or []
    return "*" in granted or scope in granted


def mandate_for(
    *,
    representative: Person,
    mandate_id: object,
    scope: str | None = None,
    on: dt.date | None = None,
) -> Mandate:
    """The mandate `representative` may use now for `scope`, or a Refused saying why not."""
    pk = uuid_or_none(mandate_id)
    mandate = (
        Mandate.objects.select_related("represented_person", "represented_business")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if mandate is None:
        raise NotFound(_("No such mandate."))
    if mandate.representative_id != representative.pk:
        raise Refused(_("This mandate was not given to you."))
    state = mandate_state(mandate, on)
    if state == "revoked":
        raise Refused(_("This mandate has been revoked."))
    if state == "future":
        raise Refused(_("This mandate is not valid yet."))
    if state == "expired":
        raise Refused(_("This mandate has expired."))
    if not mandate_covers(mandate, scope):
        raise Refused(_("This mandate does not cover this service."))
    return mandate


@dataclass(frozen=True)
class ActingFor:
    """Whom the signed-in person acts for; templates render `display_name`."""

    display_name: str
    kind: str  # "person" or "business"
    id: uuid.UUID
    mandate: Mandate


def acting_for_from(mandate: Mandate) -> ActingFor:
    if mandate.represented_business_id is not None:
        business = mandate.represented_business
        assert business is not None
        return ActingFor(
            display_name=business.name, kind="business", id=business.pk, mandate=mandate
        )
    person = mandate.represented_person
    assert person is not None
    return ActingFor(display_name=person.full_name, kind="person", id=person.pk, mandate=mandate)
