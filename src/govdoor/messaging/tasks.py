"""Celery tasks of messaging: named, take ids, bounded retries with backoff, late acks."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from govdoor.messaging import notify


@shared_task(
    name="messaging.notification_send",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.GOVDOOR_NOTIFICATION_MAX_ATTEMPTS,
)
def notification_send(self, *, notification_id: str) -> str:  # type: ignore[no-untyped-def]
    status = notify.notification_attempt(notification_id=notification_id)
    if status == "failed" and not self.request.is_eager:
        delay = notify.backoff(self.request.retries + 1).total_seconds()
        raise self.retry(countdown=delay)
    return status


@shared_task(name="messaging.notification_send_batch", acks_late=True, reject_on_worker_lost=True)
def notification_send_batch(*, notification_ids: list[str]) -> dict[str, int]:
    """Many notifications in one task; those that fail are retried by the sweeper (their
    next attempt time is set), those not sent are left for it too."""
    from govdoor.messaging.batch import notifications_attempt_batch

    return notifications_attempt_batch(notification_ids=notification_ids)


@shared_task(name="messaging.notifications_sweep")
def notifications_sweep() -> int:
    return notify.notifications_sweep()


@shared_task(name="messaging.reminders_due")
def reminders_due() -> int:
    from govdoor.messaging.reminders import reminders_due as run

    return run()


@shared_task(name="messaging.messages_purge")
def messages_purge() -> int:
    from govdoor.messaging.services import messages_purge as run

    return run()


@shared_task(name="messaging.register_deadlines_scan")
def register_deadlines_scan() -> dict[str, int]:
    """Daily: deadlines in base registers (permits, inspections, tax returns) not yet known."""
    from govdoor.messaging.register_deadlines import register_deadlines_scan as run

    return run()
