"""Where a benchmark scenario's CPU went: the server's processes, PostgreSQL, the load client
and the time no core was busy, per request (Linux /proc; empty elsewhere).

Why: on a small machine the client, the server and the database share the cores, so a ratio
of requests/s alone does not say what to make cheaper. Splitting the CPU seconds of the run
by process, per request, does: a request that costs more database time, or that leaves the
cores idle while both sync workers wait on the database, shows it here.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

PROC = Path("/proc")
KINDS = ("server", "postgres", "client", "other", "idle")


def _kind_of(pid: int, cmdline: str, server_marker: str) -> str:
    if pid == os.getpid():
        return "client"
    if cmdline.startswith("postgres"):
        return "postgres"
    if server_marker and server_marker in cmdline:
        return "server"
    return "other"


def stat_seconds(stat: str) -> float:
    """User + system CPU seconds from the text of a /proc/<pid>/stat file."""
    fields = stat.rsplit(")", 1)[1].split()  # the name in parentheses may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def pid_seconds(pid: int, proc: Path = PROC) -> float:
    """User + system CPU seconds of one running process, 0 if unknown (gone, or no /proc)."""
    try:
        return stat_seconds((proc / str(pid) / "stat").read_text())
    except (OSError, ValueError, IndexError):
        return 0.0


def process_seconds(server_marker: str, proc: Path = PROC) -> dict[str, float]:
    """CPU seconds (user + system) so far of every process, summed by kind: `server` for a
    process whose command line holds `server_marker` (gunicorn's bind address), `postgres`,
    `client` (this process), `other`. Processes that end between two snapshots drop out."""
    out: dict[str, float] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            raw = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        cmdline = raw.replace(b"\0", b" ").decode("utf-8", "replace")
        kind = _kind_of(int(entry.name), cmdline, server_marker)
        out[kind] = out.get(kind, 0.0) + stat_seconds(stat)
    return out


def idle_seconds(proc: Path = PROC) -> float:
    """Idle seconds of all cores together (the first line of /proc/stat: idle + iowait)."""
    fields = (proc / "stat").read_text().splitlines()[0].split()
    return (int(fields[4]) + int(fields[5])) / os.sysconf("SC_CLK_TCK")


class CpuTally:
    """CPU seconds by kind and idle seconds, summed over every block measured for a label
    (a scenario run in several slices, interleaved with its baseline), then per request.

    Where there is no /proc the blocks still run and the split stays empty."""

    def __init__(self, server_marker: str, proc: Path = PROC) -> None:
        self.server_marker, self.proc = server_marker, proc
        self._used: dict[str, dict[str, float]] = {}

    @contextlib.contextmanager
    def measure(self, label: str) -> Iterator[None]:
        if not (self.proc / "stat").exists():
            yield
            return
        before = process_seconds(self.server_marker, self.proc)
        before["idle"] = idle_seconds(self.proc)
        yield
        after = process_seconds(self.server_marker, self.proc)
        after["idle"] = idle_seconds(self.proc)
        used = self._used.setdefault(label, {})
        for kind in KINDS:
            used[kind] = used.get(kind, 0.0) + after.get(kind, 0.0) - before.get(kind, 0.0)

    def per_request(self, label: str, requests: int) -> dict[str, int]:
        """Microseconds per request of each kind and of idle time; empty if nothing was
        measured for the label or it served no request."""
        used = self._used.get(label)
        if not used or requests <= 0:
            return {}
        return {kind: max(0, round(used[kind] / requests * 1e6)) for kind in KINDS}
