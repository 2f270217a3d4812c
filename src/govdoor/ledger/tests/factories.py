"""factory_boy factories for the ledger's tests."""

from __future__ import annotations

import datetime as dt

import factory

from govdoor.core.crypto import blind_index
from govdoor.identity.models import Mandate, Person, User
from govdoor.identity.national_id import national_id_generate
from govdoor.organisations.models import Organisation, StaffRole


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    national_id = factory.Sequence(lambda n: national_id_generate(810_000 + n))
    national_id_index = factory.LazyAttribute(
        lambda p: blind_index(p.national_id, purpose="person.national_id")
    )
    given_name = factory.Sequence(lambda n: f"Grace{n}")
    family_name = "Hopper"
    birth_date = dt.date(1980, 12, 9)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"ledger-user-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"Agency {n}")
    level = Organisation.Level.CENTRAL


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = StaffRole.Role.AUDITOR


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    representative = factory.SubFactory(PersonFactory)
    represented_person = factory.SubFactory(PersonFactory)
    kind = Mandate.Kind.PARENT
    scope = factory.LazyFunction(lambda: ["*"])
    valid_from = dt.date(2020, 1, 1)
