"""Record schemas: validation naming each failing field and rule; sealing of personal fields.

Why errors carry JSON pointers: an agency system must be able to point at the exact field of
its payload that broke which rule (`/vehicle/plate: pattern`), and nothing is written.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from govdoor.core.errors import DomainError
from govdoor.registries.fastcheck import compile_fast
from govdoor.registries.models import Record, RecordVersion, Register


class SchemaViolation(DomainError):
    """A record (or a schema) broke rules; `errors` lists every failing field and rule."""

    problem_type = "schema-violation"
    title = "The record does not match the register's schema"

    def __init__(self, detail: str, *, errors: list[dict[str, str]]) -> None:
        super().__init__(detail)
        self.errors = errors


class PreconditionFailed(DomainError):
    """Optimistic locking: the record changed since the caller read it (If-Match)."""

    status_code = 412
    problem_type = "precondition-failed"
    title = "The record has changed"


def schema_check(json_schema: Any) -> None:
    """Refuse a JSON Schema that is not itself valid (Draft 2020-12) or has no properties."""
    if not isinstance(json_schema, dict) or json_schema.get("type") != "object":
        raise SchemaViolation(
            _("A register schema must be a JSON Schema of type object."),
            errors=[{"field": "/json_schema/type", "detail": 'must be "object"'}],
        )
    try:
        Draft202012Validator.check_schema(json_schema)
    except SchemaError as exc:
        pointer = "/json_schema/" + "/".join(str(p) for p in exc.path)
        raise SchemaViolation(
            _("The JSON Schema is not valid."),
            errors=[{"field": pointer.rstrip("/"), "detail": exc.message}],
        ) from None
    if not isinstance(json_schema.get("properties"), dict) or not json_schema["properties"]:
        raise SchemaViolation(
            _("A register schema must declare its properties."),
            errors=[{"field": "/json_schema/properties", "detail": "required"}],
        )


@lru_cache(maxsize=256)
def _validator(schema_text: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_text), format_checker=FormatChecker())


def validator_for(json_schema: dict[str, Any]) -> Draft202012Validator:
    return _validator(json.dumps(json_schema, sort_keys=True))


def _pointer(path: Any) -> str:
    return "/" + "/".join(str(p) for p in path) if path else ""


def record_errors(json_schema: dict[str, Any], data: Any) -> list[dict[str, str]]:
    """Every violation as {"field": "/json/pointer", "detail": "<rule>: <message>"}, sorted."""
    fast = compile_fast(json_schema)
    if fast is not None and fast(data):
        return []
    out: list[dict[str, str]] = []
    for error in validator_for(json_schema).iter_errors(data):
        base = _pointer(error.absolute_path)
        rule = str(error.validator)
        if rule == "required" and isinstance(error.instance, dict):
            missing = [f for f in error.validator_value if f not in error.instance]
            for name in missing:
                out.append({"field": f"{base}/{name}", "detail": f"required: {name} is required"})
            continue
        if rule == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for name in sorted(set(error.instance) - allowed):
                out.append(
                    {"field": f"{base}/{name}", "detail": "additionalProperties: not allowed"}
                )
            continue
        out.append({"field": base or "/", "detail": f"{rule}: {error.message}"})
    return sorted(out, key=lambda e: (e["field"], e["detail"]))


def record_validate(register: Register, data: Any) -> None:
    errors = record_errors(register.json_schema, data)
    if errors:
        raise SchemaViolation(
            _("The record breaks %(count)d rule(s) of the %(register)s schema.")
            % {"count": len(errors), "register": register.code},
            errors=errors,
        )


def split(register: Register, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """(plain, sealed-personal-json): personal fields go into the encrypted envelope."""
    personal_names = set(register.personal_fields)
    plain = {k: v for k, v in data.items() if k not in personal_names}
    personal = {k: v for k, v in data.items() if k in personal_names}
    return plain, (json.dumps(personal, sort_keys=True, separators=(",", ":")) if personal else "")


def merged(row: Record | RecordVersion) -> dict[str, Any]:
    """The whole record: plain fields and the decrypted personal ones."""
    return merged_values(row.data, row.personal)


def merged_values(data: dict[str, Any], personal: str) -> dict[str, Any]:
    """`merged` of a record's decoded columns: its plain data and its opened personal JSON."""
    values = dict(data)
    if personal:
        values.update(json.loads(personal))
    return values


def personal_present(register: Register, data: dict[str, Any]) -> list[str]:
    return sorted(f for f in register.personal_fields if f in data)
