"""The mailbox message of a proactive offer: "You may be entitled to…, apply in one click"."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation

from govdoor.rules.explain import format_money
from govdoor.rules.models import Offer

MESSAGE_TYPE = "rules-proactive-offer"


@transaction.atomic
def offer_message_send(*, offer: Offer, person: Any) -> Offer:
    from govdoor.catalogue.selectors import service_get
    from govdoor.messaging.services import message_send, message_type_get

    service = service_get(offer.service_code, published_only=False)
    language = person.language if person.language in ("en", "fr") else "en"
    with translation.override(language):
        name = service.name
    base = str(getattr(settings, "GOVDOOR_BASE_URL", "")).rstrip("/")
    message = message_send(
        organisation=service.owner,
        message_type=message_type_get(MESSAGE_TYPE),
        personalisation={
            "benefit": name,
            "amount": format_money(offer.amount, language),
            "apply_link": f"{base}/services/{service.code}/apply/",
        },
        person=person,
    )
    offer.message_id = message.pk
    offer.save(update_fields=["message_id"])
    return offer
