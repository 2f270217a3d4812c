"""Prometheus metrics; in multi-process gunicorn set PROMETHEUS_MULTIPROC_DIR."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter("govdoor_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("govdoor_http_request_seconds", "HTTP request latency", ["route"])
EVENTS_PUBLISHED = Counter(
    "govdoor_outbox_events_relayed_total", "Outbox events relayed", ["topic"]
)
EVENTS_FAILED = Counter(
    "govdoor_outbox_delivery_failures_total", "Event deliveries that failed", ["consumer"]
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(route).observe(seconds)
