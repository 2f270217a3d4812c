"""factory_boy factories for messaging tests (own ones: other domains' factories move)."""

from __future__ import annotations

import datetime as dt
import secrets

import factory

from govdoor.core.crypto import blind_index
from govdoor.identity.models import Business, Mandate, Person
from govdoor.messaging.models import ContactPoint, MessageTemplate, MessageType, Preference
from govdoor.organisations.models import Area, Organisation


class PersonFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Person

    national_id = factory.Sequence(lambda n: f"MSG{n:08d}")
    national_id_index = factory.LazyAttribute(
        lambda p: blind_index(p.national_id, purpose="person.national_id")
    )
    given_name = factory.Sequence(lambda n: f"Grace{n}")
    family_name = "Hopper"
    birth_date = dt.date(1980, 1, 2)
    language = "en"


class OrganisationFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"msg-org-{n}")
    name = factory.Sequence(lambda n: f"Tax Agency {n}")
    level = Organisation.Level.CENTRAL


class AreaFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Area

    code = factory.Sequence(lambda n: f"MSG-A{n}")
    name = factory.Sequence(lambda n: f"Town {n}")
    kind = Area.Kind.MUNICIPALITY


class BusinessFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Business

    registration_number = factory.Sequence(lambda n: f"MSGB{n:06d}")
    name = factory.Sequence(lambda n: f"Bakery {n} Ltd")
    legal_form = "ltd"
    municipality = factory.SubFactory(AreaFactory)
    founded_on = dt.date(2010, 1, 1)


class MandateFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Mandate

    representative = factory.SubFactory(PersonFactory)
    represented_person = factory.SubFactory(PersonFactory)
    kind = Mandate.Kind.REPRESENTATIVE
    scope = factory.LazyFunction(lambda: ["*"])
    valid_from = dt.date(2020, 1, 1)


class MessageTypeFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = MessageType
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"decision-{n}")
    name = "Decision letter"
    topic = "tax"
    placeholders = factory.LazyFunction(lambda: ["name", "amount"])

    @factory.post_generation
    def with_templates(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create or extracted is False:
            return
        MessageTemplate.objects.create(
            message_type=self,
            language="en",
            subject="Your decision, ((name))",
            body="Dear ((name)), you owe ((amount)).",
            short_text="Decision: ((amount))",
        )
        MessageTemplate.objects.create(
            message_type=self,
            language="fr",
            subject="Votre décision, ((name))",
            body="Cher ((name)), vous devez ((amount)).",
            short_text="Décision : ((amount))",
        )


class ContactPointFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = ContactPoint

    person = factory.SubFactory(PersonFactory)
    kind = ContactPoint.Kind.EMAIL
    value = factory.Sequence(lambda n: f"person{n}@example.org")


class PreferenceFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Preference

    person = factory.SubFactory(PersonFactory)
    calendar_token = factory.LazyFunction(lambda: secrets.token_urlsafe(24))
