"""Celery tasks of the registries: the daily retention purge."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="registries.records_purge")
def records_purge_task(register_id: str | None = None) -> dict[str, Any]:
    """Idempotent, batched (a transaction per batch): safe to run again after a crash."""
    from govdoor.registries.models import Register
    from govdoor.registries.retention import records_purge

    register = Register.objects.get(pk=register_id) if register_id else None
    return records_purge(register=register).as_dict()
