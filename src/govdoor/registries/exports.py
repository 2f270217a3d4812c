"""Export of a whole register as CSV or JSON, read through the access selector ("export")."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from govdoor.registries.models import Register
from govdoor.registries.selectors import (
    Caller,
    records_read_for,
    records_search,
    register_access_check,
)

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
CHUNK = 1000


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list | bool):
        return json.dumps(value)
    return str(value)


def register_export(*, register: Register, caller: Caller, fmt: str) -> tuple[str, str]:
    """Every current record; each one with personal data leaves an "export" ledger entry."""
    register_access_check(register=register, caller=caller)
    qs = records_search(register=register).select_related("register", "register__organisation")
    rows: list[tuple[str, dict[str, Any]]] = []
    page = list(qs[:CHUNK])
    offset = 0
    while page:
        values = records_read_for(records=page, caller=caller, action="export")
        rows.extend((str(r.pk), v) for r, v in zip(page, values, strict=True))
        offset += CHUNK
        page = list(qs[offset : offset + CHUNK])
    if fmt == "json":
        body = {
            "register": register.code,
            "version": register.version,
            "records": [{"id": rid, "data": data} for rid, data in rows],
        }
        return json.dumps(body, cls=DjangoJSONEncoder), FORMATS["json"]
    out = io.StringIO()
    fields = register.field_names
    writer = csv.writer(out)
    writer.writerow(["id", *fields])
    for rid, data in rows:
        writer.writerow([rid, *(_cell(data.get(f)) for f in fields)])
    return out.getvalue(), FORMATS["csv"]
