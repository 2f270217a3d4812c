"""factory_boy factories for the portal's tests, built through identity's services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from govdoor.identity.models import Mandate, Person, User
from govdoor.identity.national_id import national_id_generate
from govdoor.identity.services import person_create, user_for_person


class PersonFactory(factory.Factory):
    """A person registered with `person_create` (so the national number is valid and indexed)."""

    class Meta:
        model = Person

    national_id = factory.Sequence(lambda n: national_id_generate(810_000 + n))
    given_name = factory.Sequence(lambda n: f"Amélie{n}")
    family_name = "Fontaine"
    birth_date = dt.date(1984, 3, 9)

    @classmethod
    def _create(cls, model_class: type[Person], *args: Any, **kwargs: Any) -> Person:
        return person_create(**kwargs)

    @classmethod
    def _build(cls, model_class: type[Person], *args: Any, **kwargs: Any) -> Person:
        return model_class(**kwargs)


class UserFactory(factory.Factory):
    """The sign-in account of a person, as the first sign-in creates it."""

    class Meta:
        model = User

    person = factory.SubFactory(PersonFactory)

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return user_for_person(person=kwargs["person"])


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    representative = factory.SubFactory(PersonFactory)
    represented_person = factory.SubFactory(PersonFactory)
    kind = Mandate.Kind.REPRESENTATIVE
    scope = factory.LazyFunction(lambda: ["*"])
    valid_from = dt.date(2020, 1, 1)
    valid_until = None
    source = "person"
