"""Malware scanner plugins (`scanners` registry): "demo" and "clamd"."""

from __future__ import annotations

from django.conf import settings

from govdoor.documents.scanners import clamd, demo  # noqa: F401 - registers the plugins
from govdoor.documents.scanners.base import (
    Scanner,
    ScannerUnavailable,
    ScanResult,
    scanners,
)

__all__ = ["Scanner", "ScanResult", "ScannerUnavailable", "scanner_id", "scanner_get", "scanners"]


def scanner_id() -> str:
    """GOVDOOR_DOCUMENTS_SCANNER if set; else "clamd" when GOVDOOR_CLAMD_URL is, else "demo"."""
    chosen = getattr(settings, "GOVDOOR_DOCUMENTS_SCANNER", "")
    if chosen:
        return str(chosen)
    return "clamd" if getattr(settings, "GOVDOOR_CLAMD_URL", "") else "demo"


def scanner_get() -> Scanner:
    return scanners.get(scanner_id())()
