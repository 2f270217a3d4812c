"""Celery tasks of cases (named, idempotent). Beat: `cases.escalate` every 15 minutes."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="cases.escalate")
def escalate() -> int:
    from govdoor.cases.handling import cases_escalate

    return cases_escalate()
