"""Publishing domain events and subscribing consumers to them.

Why an outbox: a change and its event commit together or not at all. The relay delivers
each event to each subscribed consumer at least once; a consumer's effect is recorded in the
same transaction as its EventDelivery row, so a redelivered event is skipped (idempotent by
event id) and a crash between change and event loses neither.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from govdoor.core import clock
from govdoor.core.context import current_request_id
from govdoor.core.models import OutboxEvent
from govdoor.core.registry import Registry

Handler = Callable[[OutboxEvent], None]


@dataclass(frozen=True)
class Consumer:
    consumer_id: str
    topics: frozenset[str]
    handler: Handler

    def wants(self, topic: str) -> bool:
        return topic in self.topics or "*" in self.topics


consumers: Registry[Consumer] = Registry("event consumers")


def subscribe(*topics: str, consumer_id: str) -> Callable[[Handler], Handler]:
    """Register a handler: `@subscribe("population.address_changed", consumer_id="…")`."""

    def decorator(handler: Handler) -> Handler:
        consumers.register(consumer_id)(Consumer(consumer_id, frozenset(topics), handler))
        return handler

    return decorator


def consumers_for(topic: str) -> list[Consumer]:
    return [c for _, c in consumers.items() if c.wants(topic)]


def _check_payload(payload: dict[str, Any]) -> None:
    forbidden = {"value", "values", "old_value", "new_value", "national_id", "name"}
    leaked = forbidden & set(payload)
    if leaked:
        raise ValueError(f"event payloads carry ids and field names only, not {sorted(leaked)}")


def _relay_soon() -> None:
    """After commit in the embedded mode. Robust: the change is committed whatever happens
    here, so a relay failure is logged and left to the next relay, not shown to the user."""
    from govdoor.core.tasks import outbox_relay

    outbox_relay.delay()


def event_publish(*, topic: str, payload: dict[str, Any]) -> OutboxEvent:
    """Write an event into the outbox inside the caller's transaction."""
    _check_payload(payload)
    event = OutboxEvent.objects.create(
        topic=topic,
        payload=payload,
        occurred_at=clock.now(),
        request_id=current_request_id() or "",
    )
    if settings.GOVDOOR_OUTBOX_RELAY_ON_COMMIT:
        transaction.on_commit(_relay_soon, robust=True)
    return event


def events_publish(*, topic: str, payloads: Iterable[dict[str, Any]]) -> list[OutboxEvent]:
    """Bulk variant for imports: one INSERT for many events."""
    now = clock.now()
    request_id = current_request_id() or ""
    rows = []
    for payload in payloads:
        _check_payload(payload)
        rows.append(
            OutboxEvent(topic=topic, payload=payload, occurred_at=now, request_id=request_id)
        )
    created = OutboxEvent.objects.bulk_create(rows, batch_size=1000)
    if created and settings.GOVDOOR_OUTBOX_RELAY_ON_COMMIT:
        transaction.on_commit(_relay_soon, robust=True)
    return created
