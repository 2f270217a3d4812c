"""Celery tasks of the kernel: named, take ids, idempotent, bounded retries with backoff."""

from __future__ import annotations

from celery import shared_task

from govdoor.core import services


@shared_task(name="core.outbox_relay")
def outbox_relay() -> int:
    services.deliveries_redispatch()
    return services.outbox_relay()


@shared_task(name="core.event_deliver", bind=True, max_retries=services.MAX_ATTEMPTS)
def event_deliver(self, *, delivery_id: int) -> str:  # type: ignore[no-untyped-def]
    status = services.event_delivery_run(delivery_id=delivery_id)
    if status == "pending" and not self.request.is_eager:
        raise self.retry(countdown=min(2 ** (self.request.retries + 1), 300))
    return status
