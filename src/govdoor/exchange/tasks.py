"""Celery tasks of the exchange: named, take ids, idempotent (a delivered row is not resent)."""

from __future__ import annotations

from celery import shared_task

from govdoor.exchange import tellusonce


@shared_task(name="exchange.deliver", acks_late=True)
def exchange_deliver(*, delivery_id: str) -> str:
    return tellusonce.delivery_attempt(delivery_id=delivery_id)


@shared_task(name="exchange.deliveries_due")
def exchange_deliveries_due() -> int:
    """On a beat: retry deliveries whose backoff has passed."""
    return tellusonce.deliveries_due()
