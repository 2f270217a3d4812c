"""Factories for register tests: organisations, keepers, agency tokens, registers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.db.models import Max, QuerySet

from govdoor.identity.models import Person, User
from govdoor.identity.selectors import national_id_index
from govdoor.identity.testing import agency_access_token
from govdoor.ledger.models import Entry as LedgerEntry
from govdoor.organisations.models import Organisation, StaffRole
from govdoor.registries.models import Register
from govdoor.registries.selectors import Caller
from govdoor.registries.services import register_create

VEHICLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["plate", "make", "owner_id"],
    "properties": {
        "plate": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{3}$"},
        "make": {"type": "string", "minLength": 2},
        "year": {"type": "integer", "minimum": 1900},
        "owner_id": {"type": "string"},
        "owner_national_id": {"type": "string"},
    },
}


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Agency {n}")
    level = Organisation.Level.CENTRAL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    national_id = factory.Sequence(lambda n: f"{100000000 + n}")
    national_id_index = factory.LazyAttribute(lambda o: national_id_index(o.national_id))
    given_name = "Ada"
    family_name = "Example"
    birth_date = dt.date(1980, 1, 2)


def keeper_caller(organisation: Organisation) -> Caller:
    return Caller(
        organisation=organisation,
        is_agency=True,
        scopes=frozenset({"registers:read", "registers:write"}),
    )


def keeper_user(organisation: Organisation, role: str = "register_keeper") -> User:
    user = UserFactory()
    StaffRole.objects.create(user=user, organisation=organisation, role=role)
    return user


def agency_token(organisation: Organisation, scope: str = "registers:read registers:write") -> str:
    return agency_access_token(organisation=organisation, scope=scope)


def vehicles_register(organisation: Organisation, **overrides: Any) -> Register:
    kwargs: dict[str, Any] = dict(
        organisation=organisation,
        code="vehicles",
        name="Vehicles",
        json_schema=VEHICLE_SCHEMA,
        personal_fields=["owner_id", "owner_national_id"],
        indexed_fields=["owner_national_id"],
        subject_field="owner_id",
        subject_kind="person",
        key_field="plate",
        event_topics={"owner_changed": ["owner_id", "owner_national_id"]},
    )
    kwargs.update(overrides)
    return register_create(**kwargs)


def vehicle(n: int = 1, **overrides: Any) -> dict[str, Any]:
    row = {
        "plate": f"AB-{n:03d}",
        "make": "Volvo",
        "year": 2010,
        "owner_id": f"person-{n}",
        "owner_national_id": f"90000{n:04d}",
    }
    row.update(overrides)
    return row


def ledger_mark() -> int:
    """The last ledger entry's id now: the log is append-only, so a test that asks what an
    action wrote reads the entries after this mark instead of clearing the log first."""
    return LedgerEntry.objects.aggregate(last=Max("id"))["last"] or 0


def ledger_entries_after(mark: int) -> QuerySet[LedgerEntry]:
    """The entries written since `mark` (see ledger_mark), oldest first."""
    return LedgerEntry.objects.filter(id__gt=mark).order_by("id")
