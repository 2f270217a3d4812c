"""JSON log lines with the request id; personal data never goes into a log line.

Why a formatter and not free text: operations search logs by field. Callers log pseudonymous
ids (`person_id`), never names or national numbers; `redact()` guards the known keys.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from govdoor.core.context import current_request_id

REDACTED_KEYS = {"national_id", "name", "given_name", "family_name", "email", "phone",
                 "password", "address", "birth_date", "date_of_birth", "token", "secret"}
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def redact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: ("[redacted]" if k in REDACTED_KEYS else v) for k, v in data.items()}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        extra = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        entry.update(redact(extra))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
