"""The outbox relay and event delivery: at-least-once, idempotent per (event, consumer)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import connection, transaction

from govdoor.core import clock, metrics
from govdoor.core.errors import Conflict, NotFound
from govdoor.core.events import consumers, consumers_for
from govdoor.core.models import EventDelivery, OutboxEvent

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A dispatched delivery not run by then is presumed lost (broker restart, worker killed).
REDISPATCH_AFTER = dt.timedelta(seconds=30)
Dispatch = Callable[[int], None]


def _locked(qs):  # type: ignore[no-untyped-def]
    """FOR UPDATE SKIP LOCKED where the database has it, so relays can run side by side."""
    if connection.features.has_select_for_update_skip_locked:
        return qs.select_for_update(skip_locked=True)
    return qs.select_for_update()


def outbox_relay_batch(*, batch_size: int = 500, dispatch: Dispatch | None = None) -> int:
    """Turn up to `batch_size` unrelayed events into deliveries, one per subscribed consumer.

    Runs in one transaction: the events are marked relayed in the same commit as their
    delivery rows, so a crash anywhere in the batch leaves the batch unrelayed and it is
    picked up again. Delivery tasks are dispatched after commit; a lost dispatch is
    recovered by `deliveries_redispatch` (pending rows past their next attempt time).
    """
    now = clock.now()
    with transaction.atomic():
        events = list(
            _locked(OutboxEvent.objects.filter(relayed_at=None).order_by("id"))[:batch_size]
        )
        if not events:
            return 0
        rows = [
            EventDelivery(
                event=event,
                consumer=c.consumer_id,
                created_at=now,
                next_attempt_at=now + REDISPATCH_AFTER,
            )
            for event in events
            for c in consumers_for(event.topic)
        ]
        EventDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        OutboxEvent.objects.filter(pk__in=[e.pk for e in events]).update(relayed_at=now)
        ids = list(
            EventDelivery.objects.filter(
                event__in=events, status=EventDelivery.Status.PENDING
            ).values_list("pk", flat=True)
        )
        for event in events:
            metrics.EVENTS_PUBLISHED.labels(event.topic).inc()
        send = dispatch or _dispatch_task
        transaction.on_commit(lambda: _send_all(send, ids))
    return len(events)


def _send_all(send: Dispatch, ids: list[int]) -> None:
    """Dispatch each delivery; one that cannot be sent (broker down) does not stop the others
    and is picked up again by `deliveries_redispatch` once its next attempt is due."""
    for pk in ids:
        try:
            send(pk)
        except Exception:
            log.exception("event delivery dispatch failed", extra={"delivery_id": pk})


def _dispatch_task(delivery_id: int) -> None:
    from govdoor.core.tasks import event_deliver

    event_deliver.delay(delivery_id=delivery_id)


def outbox_relay(
    *, batch_size: int = 500, max_batches: int = 100, dispatch: Dispatch | None = None
) -> int:
    total = 0
    for _ in range(max_batches):
        n = outbox_relay_batch(batch_size=batch_size, dispatch=dispatch)
        total += n
        if n < batch_size:
            break
    return total


class DeliveryFailed(Exception):
    def __init__(self, delivery_id: int, attempts: int, error: str) -> None:
        super().__init__(f"delivery {delivery_id} failed (attempt {attempts}): {error}")
        self.attempts = attempts


def event_delivery_run(*, delivery_id: int) -> str:
    """Run one consumer for one event, exactly once as far as the database can tell.

    The consumer's writes and the DONE mark share a transaction: if it crashes, neither
    stays and the delivery is retried. Returns the resulting status.
    """
    try:
        with transaction.atomic():
            delivery = (
                EventDelivery.objects.select_for_update()
                .select_related("event")
                .get(pk=delivery_id)
            )
            if delivery.status != EventDelivery.Status.PENDING:
                return str(delivery.status)
            consumer = consumers.get(delivery.consumer)
            consumer.handler(delivery.event)
            delivery.status = EventDelivery.Status.DONE
            delivery.attempts += 1
            delivery.delivered_at = clock.now()
            delivery.last_error = ""
            delivery.save(update_fields=["status", "attempts", "delivered_at", "last_error"])
            return str(delivery.status)
    except EventDelivery.DoesNotExist:
        return "missing"
    except Exception as exc:
        return _delivery_failed(delivery_id=delivery_id, error=f"{type(exc).__name__}: {exc}")


@transaction.atomic
def _delivery_failed(*, delivery_id: int, error: str) -> str:
    delivery = EventDelivery.objects.select_for_update().filter(pk=delivery_id).first()
    if delivery is None:  # its event was deleted meanwhile (erasure)
        return "missing"
    delivery.attempts += 1
    delivery.last_error = error[:2000]
    metrics.EVENTS_FAILED.labels(delivery.consumer).inc()
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = EventDelivery.Status.DEAD
        log.warning(
            "event delivery dead-lettered",
            extra={"delivery_id": delivery_id, "consumer": delivery.consumer},
        )
    else:
        delivery.next_attempt_at = clock.now() + dt.timedelta(seconds=2**delivery.attempts)
    delivery.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    return str(delivery.status)


def deliveries_redispatch(*, dispatch: Dispatch | None = None, limit: int = 1000) -> int:
    """Re-send pending deliveries whose next attempt is due (lost dispatch, failed try).

    Each one re-sent is given a new deadline (`REDISPATCH_AFTER`) in the same transaction,
    so a queue that is slow to drain is not flooded with copies on every beat; rows are
    locked (SKIP LOCKED) so two relays do not both send the same delivery. The consumer
    runs at most once with success either way: see `event_delivery_run`.
    """
    now = clock.now()
    send = dispatch or _dispatch_task
    with transaction.atomic():
        due = list(
            _locked(
                EventDelivery.objects.filter(
                    status=EventDelivery.Status.PENDING, next_attempt_at__lte=now
                ).order_by("next_attempt_at")
            ).values_list("pk", flat=True)[:limit]
        )
        if due:
            EventDelivery.objects.filter(pk__in=due).update(next_attempt_at=now + REDISPATCH_AFTER)
            transaction.on_commit(lambda: _send_all(send, due))
    return len(due)


@transaction.atomic
def delivery_retry(*, delivery_id: int, dispatch: Dispatch | None = None) -> EventDelivery:
    """Back office: put a dead-lettered delivery back in the queue.

    A delivery that is already done is refused: running its consumer again would break the
    once-per-consumer promise the outbox makes.
    """
    try:
        delivery = EventDelivery.objects.select_for_update().get(pk=delivery_id)
    except EventDelivery.DoesNotExist:
        raise NotFound("no such event delivery") from None
    if delivery.status == EventDelivery.Status.DONE:
        raise Conflict("this delivery has already been made", field="delivery_id")
    delivery.status = EventDelivery.Status.PENDING
    delivery.attempts = 0
    delivery.last_error = ""
    delivery.next_attempt_at = clock.now()
    delivery.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
    send = dispatch or _dispatch_task
    transaction.on_commit(lambda: send(delivery_id), robust=True)
    return delivery
