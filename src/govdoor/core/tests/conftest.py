"""Fixtures of the kernel's tests: throwaway consumers that leave the registry as they found it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from govdoor.core.events import consumers, subscribe
from govdoor.core.models import OutboxEvent

Subscriber = Callable[..., str]


@pytest.fixture
def subscriber() -> Iterator[Subscriber]:
    """`subscriber(handler, "topic", ...)` registers a consumer under a unique id, returns it."""
    registered: list[str] = []

    def register(handler: Callable[[OutboxEvent], None], *topics: str) -> str:
        consumer_id = f"test.{handler.__name__}.{uuid.uuid4().hex[:8]}"
        subscribe(*topics, consumer_id=consumer_id)(handler)
        registered.append(consumer_id)
        return consumer_id

    yield register
    for consumer_id in registered:
        consumers.unregister(consumer_id)


@pytest.fixture
def manual_relay(settings):  # type: ignore[no-untyped-def]
    """Events wait in the outbox until the test relays them."""
    settings.GOVDOOR_OUTBOX_RELAY_ON_COMMIT = False
    return settings
