"""ClamAV through clamd's INSTREAM command, over TCP or a unix socket.

Protocol (clamd(8)): send "zINSTREAM\\0", then the content in chunks, each prefixed with its
length as a 4-byte big-endian integer, then a zero-length chunk; clamd answers one
NUL-terminated line: "stream: OK", "stream: <signature> FOUND" or "... ERROR".

Configured by GOVDOOR_CLAMD_URL: "tcp://host:3310" or "unix:///run/clamav/clamd.ctl";
GOVDOOR_CLAMD_TIMEOUT (seconds, default 30).
"""

from __future__ import annotations

import logging
import socket
import struct
from urllib.parse import urlsplit

from django.conf import settings

from govdoor.documents.scanners.base import Scanner, ScannerUnavailable, ScanResult, scanners

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
MAX_ANSWER = 4096


def _connect(url: str, timeout: float) -> socket.socket:
    parts = urlsplit(url)
    if parts.scheme == "tcp":
        if not parts.hostname:
            raise ScannerUnavailable("GOVDOOR_CLAMD_URL names no host")
        return socket.create_connection((parts.hostname, parts.port or 3310), timeout=timeout)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(parts.path)
        except OSError:
            sock.close()
            raise
        return sock
    raise ScannerUnavailable("GOVDOOR_CLAMD_URL must start with tcp:// or unix://")


def _answer(sock: socket.socket) -> str:
    data = b""
    while b"\0" not in data and len(data) < MAX_ANSWER:
        chunk = sock.recv(1024)
        if not chunk:
            break
        data += chunk
    return data.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def parse_answer(answer: str) -> ScanResult:
    """ "stream: OK" → clean; "stream: X FOUND" → infected with X; anything else → unavailable."""
    _, _, verdict = answer.rpartition(": ") if ": " in answer else ("", "", answer)
    if verdict == "OK":
        return ScanResult(clean=True)
    if verdict.endswith(" FOUND"):
        return ScanResult(clean=False, signature=verdict[: -len(" FOUND")].strip())
    raise ScannerUnavailable(f"clamd answered {answer[:200]!r}")


def instream(url: str, content: bytes, *, timeout: float = 30.0) -> ScanResult:
    try:
        with _connect(url, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(content), CHUNK):
                chunk = content[start : start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            answer = _answer(sock)
    except OSError as exc:  # refused, reset, timed out, no such socket
        raise ScannerUnavailable(f"clamd is unreachable: {exc.__class__.__name__}") from exc
    return parse_answer(answer)


@scanners.register("clamd")
class ClamdScanner(Scanner):
    plugin_id = "clamd"

    def scan(self, content: bytes) -> ScanResult:
        url = getattr(settings, "GOVDOOR_CLAMD_URL", "")
        if not url:
            raise ScannerUnavailable("GOVDOOR_CLAMD_URL is not set")
        timeout = float(getattr(settings, "GOVDOOR_CLAMD_TIMEOUT", 30.0))
        result = instream(url, content, timeout=timeout)
        if not result.clean:
            logger.warning("clamd found malware", extra={"signature": result.signature})
        return result
