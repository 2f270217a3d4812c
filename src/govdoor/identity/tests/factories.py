"""factory_boy factories for identity tests, built through identity's services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from govdoor.identity.models import Business, FamilyLink, Mandate, Person, User
from govdoor.identity.national_id import national_id_generate
from govdoor.identity.services import person_create, user_for_person
from govdoor.organisations.models import Area, Organisation


class PersonFactory(factory.Factory):  # type: ignore[misc]
    class Meta:
        model = Person

    national_id = factory.Sequence(lambda n: national_id_generate(900_000 + n))
    given_name = factory.Sequence(lambda n: f"Lena{n}")
    family_name = "Moreau"
    birth_date = dt.date(1980, 5, 17)
    language = "en"

    @classmethod
    def _create(cls, model_class: type[Person], *args: Any, **kwargs: Any) -> Person:
        return person_create(**kwargs)


class UserFactory(factory.Factory):  # type: ignore[misc]
    class Meta:
        model = User

    person = factory.SubFactory(PersonFactory)

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return user_for_person(person=kwargs["person"])


class AreaFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Area

    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"Town {n}")
    kind = Area.Kind.MUNICIPALITY


class OrganisationFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Agency {n}")
    level = Organisation.Level.CENTRAL


class BusinessFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Business

    registration_number = factory.Sequence(lambda n: f"B{n:07d}")
    name = factory.Sequence(lambda n: f"Bakery {n}")
    legal_form = "ltd"
    municipality = factory.SubFactory(AreaFactory)
    founded_on = dt.date(2015, 1, 1)


class MandateFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Mandate

    representative = factory.SubFactory(PersonFactory)
    represented_person = factory.SubFactory(PersonFactory)
    kind = Mandate.Kind.REPRESENTATIVE
    scope = factory.LazyFunction(lambda: ["*"])
    valid_from = dt.date(2020, 1, 1)
    valid_until = None
    source = "person"


class FamilyLinkFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = FamilyLink

    person = factory.SubFactory(PersonFactory)
    relative = factory.SubFactory(PersonFactory)
    kind = FamilyLink.Kind.PARENT
