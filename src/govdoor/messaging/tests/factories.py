"""factory_boy factories for messaging tests; people and organisations come from identity's."""

from __future__ import annotations

import secrets

import factory

from govdoor.identity.tests.factories import (  # noqa: F401  (re-exported)
    AreaFactory,
    BusinessFactory,
    MandateFactory,
    OrganisationFactory,
    PersonFactory,
)
from govdoor.messaging.models import ContactPoint, MessageTemplate, MessageType, Preference


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
