"""JSON log lines with the request id; personal data never goes into a log line.

Why a formatter and not free text: operations search logs by field. Callers log pseudonymous
ids (`person_id`), never names or national numbers; `redact()` guards the known keys.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from django.http import HttpRequest

from govdoor.core.context import current_request_id

REDACTED_KEYS = {
    "national_id",
    "name",
    "given_name",
    "family_name",
    "email",
    "phone",
    "password",
    "address",
    "birth_date",
    "date_of_birth",
    "token",
    "secret",
}
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _redact_value(value: Any) -> Any:
    if isinstance(value, dict):
        return redact(value)
    if isinstance(value, list | tuple):
        return [_redact_value(v) for v in value]
    return value


def redact(data: dict[str, Any]) -> dict[str, Any]:
    """Replace the values of personal keys, at any depth and in any letter case."""
    return {
        k: ("[redacted]" if str(k).lower() in REDACTED_KEYS else _redact_value(v))
        for k, v in data.items()
    }


def _plain(value: Any) -> Any:
    """Django attaches the request to its error records; its repr has the query string,
    which can hold what someone searched for. Keep the method and path only."""
    if isinstance(value, HttpRequest):
        return f"{value.method} {value.path}"
    return value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        extra = {k: _plain(v) for k, v in vars(record).items() if k not in _STANDARD}
        entry.update(redact(extra))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
