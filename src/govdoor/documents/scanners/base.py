"""The malware scanner plugin interface and its registry.

A scanner answers clean or infected (with the signature name) for some bytes, or raises
ScannerUnavailable when it cannot tell: the upload is then refused, never stored unscanned.
"""

from __future__ import annotations

from dataclasses import dataclass

from govdoor.core.registry import Registry


class ScannerUnavailable(RuntimeError):
    """The scanner could not check the content (down, timed out, answered an error)."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


class Scanner:
    """Base class of scanner plugins; `scan` must not keep or log the content."""

    plugin_id = ""

    def scan(self, content: bytes) -> ScanResult:
        raise NotImplementedError


scanners = Registry[type[Scanner]]("document scanners")
