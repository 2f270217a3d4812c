"""A small, bounded HTTP load driver for benchmarks (loopback only, standard library only).

Why not an external load tool: the benchmark must run anywhere `make bench` runs, with no
extra service. Threads each run a "journey" (one or more requests) until a time or count
bound is reached; latencies are per journey, counted requests give requests per second.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode


class JourneyFailed(Exception):
    """A response that the journey did not expect (wrong status, missing form token)."""


class Session:
    """One browser-like client: cookies kept between requests, a new connection per request
    (gunicorn's sync workers close the connection after each response anyway)."""

    def __init__(self, host: str, port: int) -> None:
        if host not in {"127.0.0.1", "localhost", "::1"}:
            raise ValueError("benchmarks only drive loopback servers")
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.requests = 0

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "govdoor-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            self.requests += 1
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            conn.close()

    def expect(
        self, method: str, path: str, status: int, form: dict[str, str] | None = None
    ) -> tuple[dict[str, str], str]:
        got, headers, text = self.request(method, path, form)
        if got != status:
            raise JourneyFailed(f"{method} {path}: {got}, expected {status}")
        return headers, text


@dataclass
class Result:
    label: str
    journeys: int = 0
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    first_error: str = ""

    @property
    def req_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def row(self) -> dict[str, object]:
        lat = sorted(self.latencies) or [0.0]
        p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
        return {
            "scenario": self.label,
            "requests": self.requests,
            "errors": self.errors,
            "req_per_s": round(self.req_per_s, 1),
            "journeys_per_s": round(self.journeys / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(statistics.median(lat) * 1000, 1),
            "p95_ms": round(p95 * 1000, 1),
        }


Journey = Callable[[Session], None]


def drive(
    label: str,
    *,
    host: str,
    port: int,
    journey: Journey,
    setup: Journey | None = None,
    threads: int,
    seconds: float,
    max_journeys: int,
) -> Result:
    """Run `journey` from `threads` sessions until `seconds` pass or `max_journeys` are done."""
    result = Result(label)
    lock = threading.Lock()
    errors_allowed = max(10, max_journeys // 20)
    ready = threading.Barrier(threads + 1)  # setups (sign-in) are not timed
    go = threading.Event()
    window = {"deadline": 0.0}
    issued = {"n": 0}

    def fail(exc: Exception) -> bool:
        with lock:
            result.errors += 1
            result.first_error = result.first_error or f"{type(exc).__name__}: {exc}"
            return result.errors > errors_allowed

    def worker() -> None:
        session = Session(host, port)
        usable = True
        try:
            if setup is not None:
                setup(session)
        except (JourneyFailed, OSError, http.client.HTTPException) as exc:
            fail(exc)
            usable = False
        ready.wait()
        go.wait()
        while usable and time.perf_counter() < window["deadline"]:
            with lock:  # take a slot first, so threads never overshoot the bound
                if issued["n"] >= max_journeys:
                    return
                issued["n"] += 1
            before = session.requests
            started = time.perf_counter()
            try:
                journey(session)
            except (JourneyFailed, OSError, http.client.HTTPException) as exc:
                if fail(exc):
                    return
                continue
            elapsed = time.perf_counter() - started
            with lock:
                result.journeys += 1
                result.requests += session.requests - before
                result.latencies.append(elapsed)

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    ready.wait(timeout=120)
    started = time.perf_counter()
    window["deadline"] = started + seconds
    go.set()
    for t in pool:
        t.join(seconds + 60)
    result.seconds = time.perf_counter() - started
    return result


def merged(label: str, results: list[Result]) -> Result:
    """One result of a scenario run in several slices (interleaved with its baseline, so a
    machine whose speed drifts during the run slows both alike)."""
    out = Result(label)
    for r in results:
        out.journeys += r.journeys
        out.requests += r.requests
        out.errors += r.errors
        out.seconds += r.seconds
        out.latencies.extend(r.latencies)
        out.first_error = out.first_error or r.first_error
    return out
