"""Celery tasks of the kernel: named, take ids, idempotent, bounded retries with backoff.

Why `event_deliver` does not call `self.retry`: the retry schedule lives in the database
(`EventDelivery.next_attempt_at`, doubling per attempt, dead after MAX_ATTEMPTS) and the
beat task re-sends what is due. A Celery retry on top would run a failing consumer twice
per attempt and halve the backoff.
"""

from __future__ import annotations

from celery import shared_task

from govdoor.core import services


@shared_task(name="core.outbox_relay")
def outbox_relay() -> int:
    """Every few seconds (beat) or after a commit (embedded mode): re-send due deliveries,
    then relay new events."""
    services.deliveries_redispatch()
    return services.outbox_relay()


@shared_task(name="core.event_deliver", acks_late=True)
def event_deliver(*, delivery_id: int) -> str:
    """Run one delivery; returns its status (done, pending: retried later, dead, missing)."""
    return services.event_delivery_run(delivery_id=delivery_id)
