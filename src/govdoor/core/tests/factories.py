"""factory_boy factories for the kernel's tests (Person has the encrypted field)."""

from __future__ import annotations

import datetime as dt

import factory

from govdoor.core.crypto import blind_index
from govdoor.identity.models import Person
from govdoor.identity.national_id import national_id_generate


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    national_id = factory.Sequence(lambda n: national_id_generate(700_000 + n))
    national_id_index = factory.LazyAttribute(
        lambda p: blind_index(p.national_id, purpose="person.national_id")
    )
    given_name = factory.Sequence(lambda n: f"Ada{n}")
    family_name = "Lovelace"
    birth_date = dt.date(1990, 5, 17)
