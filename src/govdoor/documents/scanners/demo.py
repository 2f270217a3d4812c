"""The demo scanner: no outside service; it finds the EICAR anti-virus test string anywhere."""

from __future__ import annotations

from govdoor.documents.scanners.base import Scanner, ScanResult, scanners

# The EICAR test file (a harmless string every anti-virus reports), split so that this source
# file itself is not flagged by a scanner on a developer's machine.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURE = "Eicar-Test-Signature"


@scanners.register("demo")
class DemoScanner(Scanner):
    plugin_id = "demo"

    def scan(self, content: bytes) -> ScanResult:
        if EICAR in content:
            return ScanResult(clean=False, signature=EICAR_SIGNATURE)
        return ScanResult(clean=True)
