"""Operations: liveness, readiness, metrics, JSON request logs, security headers."""

import json
import logging
import socket

import pytest

from govdoor.core import views
from govdoor.core.logging import JsonFormatter, redact

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/0"
RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_answers_200_when_database_and_broker_are_reachable(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "broker": "ok"}}


@pytest.mark.parametrize("failing", ["database", "broker"])
def test_readyz_answers_503_naming_the_check_that_failed(client, monkeypatch, failing):
    monkeypatch.setattr(views, f"_{failing}_ok", lambda: "OperationalError")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"][failing] == "failed: OperationalError"
    other = {"database", "broker"} - {failing}
    assert body["checks"][other.pop()] == "ok"


def test_the_database_check_reports_a_broken_connection(monkeypatch):
    class Broken:
        def cursor(self):
            raise ConnectionRefusedError

    monkeypatch.setattr(views, "connection", Broken())
    assert views._database_ok() == "ConnectionRefusedError"


@pytest.mark.parametrize(("url", "port"), [(REDIS, 6379), (RABBITMQ, 5672)])
def test_the_broker_check_reaches_a_real_broker(url, port):
    if not _listening(port):
        pytest.skip(f"nothing listens on 127.0.0.1:{port}")
    assert views._broker_ok(url) is None


@pytest.mark.parametrize("scheme", ["redis://127.0.0.1:{}/0", "amqp://guest:guest@127.0.0.1:{}//"])
def test_the_broker_check_fails_on_a_closed_port_without_naming_the_url(scheme):
    result = views._broker_ok(scheme.format(_closed_port()), timeout=1)
    assert result is not None
    assert "127.0.0.1" not in result
    assert "guest" not in result


def test_in_production_mode_the_configured_broker_is_always_checked(settings):
    settings.GOVDOOR_MODE = "production"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    assert views._broker_ok() is not None


def test_in_demo_and_test_mode_tasks_run_in_process_and_no_broker_is_needed(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    assert views._broker_ok() is None


def test_a_missing_broker_url_is_a_failure(settings):
    settings.GOVDOOR_MODE = "production"
    settings.CELERY_BROKER_URL = ""
    assert views._broker_ok() == "NoBrokerConfigured"


def test_metrics_expose_request_counts_by_route(client):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert "govdoor_http_requests_total" in text
    assert 'route="healthz"' in text
    assert "govdoor_http_request_seconds_bucket" in text


def test_metrics_under_gunicorn_workers_are_collected_from_the_shared_directory(
    client, monkeypatch, tmp_path
):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    response = client.get("/metrics")
    assert response.status_code == 200
    # Nothing written by any worker yet: the in-process counters are not what is shown.
    assert "govdoor_http_requests_total" not in response.content.decode()


def _request_lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "govdoor.request"]


def test_each_request_writes_one_json_log_line_with_its_request_id(client, caplog):
    caplog.set_level(logging.INFO, logger="govdoor.request")
    response = client.get("/api/v1/does-not-exist", HTTP_X_REQUEST_ID="req-123.abc")
    assert response["X-Request-ID"] == "req-123.abc"
    (line,) = _request_lines(caplog)
    assert line["request_id"] == "req-123.abc"
    assert line["status"] == 404
    assert line["method"] == "GET"
    assert line["level"] == "info"
    assert "ms" in line


def test_an_unsafe_incoming_request_id_is_replaced(client, caplog):
    caplog.set_level(logging.INFO, logger="govdoor.request")
    response = client.get("/healthz", HTTP_X_REQUEST_ID="x" * 65)
    assert len(response["X-Request-ID"]) == 32
    response = client.get("/", HTTP_X_REQUEST_ID='"><script>')
    assert response["X-Request-ID"] != '"><script>'
    (line,) = _request_lines(caplog)  # healthz is not logged
    assert line["request_id"] == response["X-Request-ID"]


def test_the_request_log_carries_no_path_or_query_so_no_personal_data(client, caplog):
    caplog.set_level(logging.INFO, logger="govdoor.request")
    client.get("/api/v1/does-not-exist?national_id=123456782&name=Ada")
    (line,) = _request_lines(caplog)
    raw = json.dumps(line)
    assert "123456782" not in raw
    assert "Ada" not in raw


def test_redact_hides_personal_keys_at_any_depth_and_in_any_case():
    data = {
        "person_id": "0190",
        "National_ID": "123456782",
        "fields": ["name", "address"],
        "person": {"given_name": "Ada", "id": "0190", "items": [{"email": "a@b.c"}]},
    }
    assert redact(data) == {
        "person_id": "0190",
        "National_ID": "[redacted]",
        "fields": ["name", "address"],
        "person": {"given_name": "[redacted]", "id": "0190", "items": [{"email": "[redacted]"}]},
    }


def test_a_log_record_with_a_national_id_is_written_redacted():
    logger = logging.getLogger("govdoor.test")
    record = logger.makeRecord(
        "govdoor.test",
        logging.INFO,
        __file__,
        1,
        "person found",
        (),
        None,
        extra={"national_id": "123456782", "person_id": "0190", "context": {"name": "Ada"}},
    )
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "123456782" not in line
    assert "Ada" not in line
    assert entry["national_id"] == "[redacted]"
    assert entry["person_id"] == "0190"
    assert entry["event"] == "person found"
    assert entry["ts"].endswith("+00:00")  # ISO 8601, UTC, whatever the server's zone
    assert "\n" not in line


def test_django_error_records_keep_the_path_of_the_request_but_not_its_query(rf):
    request = rf.get("/sign-in/demo/", {"q": "Lovelace"})
    record = logging.getLogger("django.request").makeRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "Internal Server Error: %s",
        (request.path,),
        None,
        extra={"status_code": 500, "request": request},
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["request"] == "GET /sign-in/demo/"
    assert "Lovelace" not in json.dumps(entry)


def test_pages_carry_the_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
