"""Celery tasks of the ledger: the sequencer, on a one-second beat and kicked on commit."""

from __future__ import annotations

from celery import shared_task

from govdoor.ledger import services


@shared_task(name="ledger.sequence")
def ledger_sequence_task() -> int:
    """Idempotent: integrates whatever is queued (nothing if another run got there first)."""
    return services.ledger_sequence_all()
