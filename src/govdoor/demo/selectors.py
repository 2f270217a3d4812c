"""Reading the loaded demo country: the featured demo persons and the staff accounts.

Why pick personas from the database rather than from the generator: what the demo shows must
be what is stored, whatever seed or size was loaded. Each persona is the first matching
person in a stable order (birth date, then name), so the list is the same on every run.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from govdoor.core import clock
from govdoor.demo.generator import age_on, birthday
from govdoor.demo.staff import STAFF_EMAIL_DOMAIN
from govdoor.identity.models import Mandate, Person, User
from govdoor.organisations.models import StaffRole


@dataclass(frozen=True)
class Persona:
    title: str
    person: Person
    age: int
    municipality: str
    moved_from: str | None
    mandates: tuple[str, ...]  # what they may do for others, in words


@dataclass(frozen=True)
class StaffAccount:
    username: str
    organisation: str
    level: str
    roles: tuple[str, ...]
    user: User


def _in_force(on: dt.date) -> Q:
    return Q(revoked_at__isnull=True, valid_from__lte=on) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )


def _born_between(today: dt.date, youngest: int, oldest: int) -> Q:
    """People aged `youngest` to `oldest` (inclusive) on `today`."""
    return Q(
        birth_date__gt=birthday(today, -oldest - 1), birth_date__lte=birthday(today, -youngest)
    )


def _ordered(people: QuerySet[Person]) -> QuerySet[Person]:
    """The youngest in the age band first; names break ties, so the pick is stable."""
    return people.filter(deceased_on__isnull=True).order_by(
        "-birth_date", "family_name", "given_name", "national_id_index"
    )


def _mandate_words(person: Person, today: dt.date) -> tuple[str, ...]:
    words = []
    held = (
        Mandate.objects.filter(_in_force(today), representative=person)
        .select_related("represented_person", "represented_business")
        .order_by("kind", "valid_from", "id")
    )
    for mandate in held:
        if mandate.represented_business is not None:
            words.append(f"represents {mandate.represented_business.name} (business)")
        elif mandate.represented_person is not None:
            until = f" until {mandate.valid_until}" if mandate.valid_until else ""
            words.append(f"{mandate.kind} of {mandate.represented_person.full_name}{until}")
    return tuple(words)


def _persona(title: str, person: Person, today: dt.date) -> Persona:
    addresses = list(person.addresses.select_related("municipality").order_by("-valid_from"))
    current = next((a for a in addresses if a.valid_to is None), None)
    previous = next((a for a in addresses if a.valid_to is not None), None)
    return Persona(
        title=title,
        person=person,
        age=age_on(person.birth_date, today),
        municipality=current.municipality.name if current else "",
        moved_from=previous.municipality.name if previous else None,
        mandates=_mandate_words(person, today),
    )


def demo_personas_list(*, today: dt.date | None = None) -> list[Persona]:
    """A handful of demo persons that show the main journeys, each one different."""
    today = today or clock.today()
    parents = Person.objects.annotate(
        minors=Count(
            "mandates_held",
            filter=Q(mandates_held__kind=Mandate.Kind.PARENT)
            & Q(mandates_held__revoked_at__isnull=True)
            & Q(mandates_held__valid_until__gte=today),
        )
    )
    business = Mandate.objects.filter(_in_force(today), kind=Mandate.Kind.BUSINESS)
    queries: list[tuple[str, Callable[[], QuerySet[Person]]]] = [
        (
            "Parent of two or more children",
            lambda: parents.filter(_born_between(today, 36, 45), minors__gte=2),
        ),
        (
            "Business representative",
            lambda: Person.objects.filter(
                _born_between(today, 45, 60), id__in=business.values("representative_id")
            ),
        ),
        (
            "Moved from another municipality",
            lambda: Person.objects.filter(
                _born_between(today, 27, 60), addresses__valid_to__isnull=False
            ),
        ),
        (
            "Pensioner with a disability",
            lambda: Person.objects.filter(_born_between(today, 72, 90), disability=True),
        ),
        (
            "Young adult who just came of age",
            lambda: Person.objects.filter(_born_between(today, 18, 18)),
        ),
        (
            "French-speaking resident",
            lambda: Person.objects.filter(_born_between(today, 31, 64), language="fr"),
        ),
    ]
    personas: list[Persona] = []
    seen: set[uuid.UUID] = set()
    families: set[str] = set()
    for title, query in queries:
        candidates = _ordered(query()).exclude(pk__in=seen)
        # A different family for each persona, if there is one: the demo shows variety.
        person = candidates.exclude(family_name__in=families).first() or candidates.first()
        if person is not None:
            seen.add(person.pk)
            families.add(person.family_name)
            personas.append(_persona(title, person, today))
    return personas


def demo_staff_list() -> list[StaffAccount]:
    """The demo staff accounts (their e-mail is on the demo domain), by organisation."""
    roles = (
        StaffRole.objects.filter(user__email__endswith=f"@{STAFF_EMAIL_DOMAIN}")
        .select_related("user", "organisation")
        .order_by("organisation__level", "organisation__name", "user__username", "role")
    )
    accounts: dict[str, StaffAccount] = {}
    for role in roles:
        account = accounts.get(role.user.username)
        if account is None:
            accounts[role.user.username] = StaffAccount(
                username=role.user.username,
                organisation=role.organisation.name,
                level=role.organisation.level,
                roles=(role.role,),
                user=role.user,
            )
        else:
            accounts[role.user.username] = StaffAccount(
                username=account.username,
                organisation=account.organisation,
                level=account.level,
                roles=(*account.roles, role.role),
                user=account.user,
            )
    order = {"central": 0, "regional": 1, "local": 2}
    return sorted(
        accounts.values(), key=lambda a: (order.get(a.level, 3), a.organisation, a.username)
    )
