"""Scheduled document tasks (Celery beat: add "documents.purge" daily)."""

from __future__ import annotations

from celery import shared_task

from govdoor.documents.services import documents_purge


@shared_task(name="documents.purge", max_retries=3, default_retry_delay=600)
def documents_purge_task() -> dict[str, int]:
    report = documents_purge()
    return {"documents": report.documents, "orphan_blobs": report.orphan_blobs}
