"""Operations endpoints: liveness, readiness (database and broker) and Prometheus metrics."""

from __future__ import annotations

import os

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database_ok() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return type(exc).__name__
    return None


def _broker_ok(url: str | None = None, *, timeout: float = 2.0) -> str | None:
    """None when the broker answers, else the error's class name (never the URL: it has a password).

    In demo and test mode tasks run in process and there is no broker to reach; in
    production mode the broker is always checked. One attempt, no retry sleeps, so a
    probe answers within `timeout`.
    """
    if url is None:
        if settings.CELERY_TASK_ALWAYS_EAGER and settings.GOVDOOR_MODE != "production":
            return None
        url = settings.CELERY_BROKER_URL
    if not url:
        return "NoBrokerConfigured"
    from govdoor.celery import app

    try:
        # Through the Celery app, so the broker's SSL and transport options apply.
        with app.connection_for_write(url, connect_timeout=timeout) as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=timeout
            )
    except Exception as exc:
        return type(exc).__name__
    return None


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    ready = all(v is None for v in checks.values())
    body = {
        "status": "ready" if ready else "unavailable",
        "checks": {k: ("ok" if v is None else f"failed: {v}") for k, v in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text; under gunicorn with PROMETHEUS_MULTIPROC_DIR, all workers together."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)
