"""Test helpers for cases, built through the other domains' services and factories."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from govdoor.catalogue.tests.factories import ServiceFactory
from govdoor.identity.models import Address
from govdoor.identity.tests.factories import PersonFactory
from govdoor.organisations.models import StaffRole
from govdoor.organisations.tests.factories import StaffRoleFactory, UserFactory

_refs = itertools.count(1)


def person_living_in(area: Any, **kwargs: Any) -> Any:
    person = PersonFactory(**kwargs)
    Address.objects.create(
        person=person,
        street="Main Street",
        house_number="1",
        postcode="1000",
        town=area.name,
        municipality=area,
        valid_from=dt.date(2015, 1, 1),
    )
    return person


def move(person: Any, area: Any, on: dt.date = dt.date(2026, 1, 1)) -> None:
    """The person's identity address changes to `area` (the old one ends)."""
    person.addresses.filter(valid_to__isnull=True).update(valid_to=on)
    Address.objects.create(
        person=person,
        street="New Street",
        house_number="9",
        postcode="2000",
        town=area.name,
        municipality=area,
        valid_from=on,
    )


def local_service(organisation: Any, *, code: str, sla_days: int | None = 5) -> Any:
    return ServiceFactory(
        code=code,
        owner=organisation,
        kind="parking-permit",
        competent_level="local",
        name_en=f"Parking permit ({organisation.name})",
        sla_days=sla_days,
    )


def staff_member(organisation: Any, username: str, role: str = StaffRole.Role.CASE_WORKER) -> Any:
    user = UserFactory(username=username)
    StaffRoleFactory(user=user, organisation=organisation, role=role)
    return user


def answers(**values: Any) -> dict[str, Any]:
    return {name: {"value": value, "source": {"declared": True}} for name, value in values.items()}


def open_case(service: Any, applicant: Any, **kwargs: Any) -> Any:
    from govdoor.cases.services import case_open

    params: dict[str, Any] = {
        "service": service,
        "applicant": applicant,
        "opened_by": None,
        "source": "application",
        "source_ref": f"sub-{next(_refs)}",
        "answers": answers(reason="I need it"),
    }
    params.update(kwargs)
    return case_open(**params)
