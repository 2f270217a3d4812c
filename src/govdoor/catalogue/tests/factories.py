"""factory_boy factories for the catalogue, built through its services (so search terms exist)."""

from __future__ import annotations

from typing import Any

import factory

from govdoor.catalogue.models import LifeEvent, Service, Topic
from govdoor.catalogue.services import service_create, service_publish
from govdoor.organisations.tests.factories import OrganisationFactory


class LifeEventFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = LifeEvent
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"event-{n}")
    name_en = factory.Sequence(lambda n: f"Event {n}")
    name_fr = factory.Sequence(lambda n: f"Événement {n}")


class TopicFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Topic
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"topic-{n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")


class ServiceFactory(factory.Factory):  # type: ignore[misc]
    """A published service; pass `publish=False` for a draft."""

    class Meta:
        model = Service

    code = factory.Sequence(lambda n: f"service-{n}")
    owner = factory.SubFactory(OrganisationFactory)
    competent_level = "central"
    name_en = factory.Sequence(lambda n: f"Service {n}")
    summary_en = "A service."

    @classmethod
    def _create(cls, model_class: type[Service], *args: Any, **kwargs: Any) -> Service:
        publish = kwargs.pop("publish", True)
        owner = kwargs.pop("owner")
        code = kwargs.pop("code")
        service = service_create(user=None, owner=owner, code=code, values=kwargs, check=False)
        if publish:
            service = service_publish(user=None, service=service, check=False)
        return service
