"""Celery tasks of the rules domain: named, take ids, idempotent, bounded retries."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from govdoor.rules import scan


@shared_task(name="rules.scan_run", acks_late=True, max_retries=3, default_retry_delay=60)
def scan_run(*, scan_id: str) -> dict[str, Any]:
    """Run or resume a scan (resuming is safe: the cursor and unique offers make it so)."""
    done = scan.scan_run(scan_id=scan_id)
    return {"status": done.status, "scanned": done.scanned, "offers": done.offers}


@shared_task(name="rules.scan_start", acks_late=True)
def scan_start(*, service_code: str) -> str:
    """Beat schedule: start a scan for a benefit and run it."""
    started = scan.scan_start(service_code=service_code)
    scan_run.delay(scan_id=str(started.pk))
    return str(started.pk)


@shared_task(
    name="rules.offers_notify",
    acks_late=True,
    autoretry_for=(Exception,),
    max_retries=5,
    retry_backoff=True,
)
def offers_notify(*, offer_ids: list[str]) -> int:
    """Mailbox messages for a batch's new offers; offers already sent are skipped."""
    return scan.offers_notify(offer_ids=offer_ids)


@shared_task(name="rules.scans_start_all", acks_late=True)
def scans_start_all() -> list[str]:
    """Beat (daily): a proactive scan for each benefit listed in GOVDOOR_RULES_SCAN_BENEFITS
    (default: child-benefit). A benefit whose scan is still running is skipped."""
    from django.conf import settings

    from govdoor.rules.models import Scan

    started = []
    for code in getattr(settings, "GOVDOOR_RULES_SCAN_BENEFITS", ["child-benefit"]):
        if Scan.objects.filter(service_code=code, status=Scan.Status.RUNNING).exists():
            continue
        started.append(scan_start(service_code=code))
    return started
