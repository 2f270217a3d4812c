"""A fast "is this record valid?" for the common subset of JSON Schema, beside jsonschema.

Why: jsonschema walks a generic validator per keyword (about half a millisecond for a
population record), which dominates a bulk load. Register schemas mostly use a small subset
(types, required, properties, enums of strings, patterns, lengths, bounds, formats). For
such a schema this module compiles one closure that answers True only when jsonschema would
too; anything it answers False for is re-checked by jsonschema, which writes the error report.
A schema using any other validation keyword gets no fast path (`compile_fast` -> None).
Property tests check the two agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from jsonschema import FormatChecker

Check = Callable[[Any], bool]

ANNOTATIONS = {
    "title",
    "description",
    "$comment",
    "examples",
    "default",
    "$schema",
    "$id",
    "readOnly",
    "writeOnly",
    "deprecated",
}
SUPPORTED = {
    "type",
    "enum",
    "const",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "format",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
}
# Every validation keyword of Draft 2020-12; any of these outside SUPPORTED disables the path.
KEYWORDS = SUPPORTED | {
    "$ref",
    "$defs",
    "$dynamicRef",
    "$anchor",
    "$dynamicAnchor",
    "$vocabulary",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "uniqueItems",
    "patternProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "multipleOf",
    "minProperties",
    "maxProperties",
    "definitions",
    "dependencies",
    "additionalItems",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
}

_formats = FormatChecker()


class Unsupported(Exception):
    pass


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


TYPES: dict[str, Check] = {
    "string": lambda x: isinstance(x, str),
    "integer": lambda x: (
        (isinstance(x, int) and not isinstance(x, bool))
        or (isinstance(x, float) and x.is_integer())
    ),
    "number": _is_number,
    "boolean": lambda x: isinstance(x, bool),
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "null": lambda x: x is None,
}


def _type_check(kind: Any) -> Check:
    kinds = [kind] if isinstance(kind, str) else list(kind)
    if not all(k in TYPES for k in kinds):
        raise Unsupported
    checks = [TYPES[k] for k in kinds]
    return lambda x: any(c(x) for c in checks)


def _string_checks(schema: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    if "pattern" in schema:
        rx = re.compile(schema["pattern"])
        checks.append(lambda x: not isinstance(x, str) or rx.search(x) is not None)
    if "minLength" in schema:
        low = schema["minLength"]
        checks.append(lambda x: not isinstance(x, str) or len(x) >= low)
    if "maxLength" in schema:
        high = schema["maxLength"]
        checks.append(lambda x: not isinstance(x, str) or len(x) <= high)
    if "format" in schema:
        fmt = schema["format"]
        checks.append(lambda x: _formats.conforms(x, fmt))
    return checks


def _bounded(bound: Any, ok: Callable[[Any, Any], bool]) -> Check:
    return lambda x: not _is_number(x) or ok(x, bound)


def _one_of(allowed: frozenset[str]) -> Check:
    return lambda x: isinstance(x, str) and x in allowed


def _number_checks(schema: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    for key, ok in (
        ("minimum", lambda x, b: x >= b),
        ("maximum", lambda x, b: x <= b),
        ("exclusiveMinimum", lambda x, b: x > b),
        ("exclusiveMaximum", lambda x, b: x < b),
    ):
        if key in schema:
            bound = schema[key]
            if not _is_number(bound):
                raise Unsupported
            checks.append(_bounded(bound, ok))
    return checks


def _object_checks(schema: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    props = {name: _compile(sub) for name, sub in schema.get("properties", {}).items()}
    required = list(schema.get("required", []))
    extra = schema.get("additionalProperties", True)
    if not isinstance(extra, bool):
        raise Unsupported
    allowed = set(props)

    def check(x: Any) -> bool:
        if not isinstance(x, dict):
            return True
        if any(name not in x for name in required):
            return False
        if not extra and not allowed.issuperset(x):
            return False
        for name, value in x.items():
            c = props.get(name)
            if c is not None and not c(value):
                return False
        return True

    checks.append(check)
    return checks


def _array_checks(schema: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    if "items" in schema:
        item = _compile(schema["items"])
        checks.append(lambda x: not isinstance(x, list) or all(item(i) for i in x))
    if "minItems" in schema:
        low = schema["minItems"]
        checks.append(lambda x: not isinstance(x, list) or len(x) >= low)
    if "maxItems" in schema:
        high = schema["maxItems"]
        checks.append(lambda x: not isinstance(x, list) or len(x) <= high)
    return checks


def _compile(schema: Any) -> Check:
    if schema is True or schema == {}:
        return lambda x: True
    if not isinstance(schema, dict) or (set(schema) & KEYWORDS) - SUPPORTED:
        raise Unsupported
    checks: list[Check] = []
    if "type" in schema:
        checks.append(_type_check(schema["type"]))
    for key in ("enum", "const"):
        if key in schema:
            values = schema[key] if key == "enum" else [schema[key]]
            if not all(isinstance(v, str) for v in values):
                raise Unsupported  # jsonschema's equality of 1, 1.0 and True differs from ==
            allowed = frozenset(values)
            checks.append(_one_of(allowed))
    checks += _string_checks(schema) + _number_checks(schema)
    if {"properties", "required", "additionalProperties"} & set(schema):
        checks += _object_checks(schema)
    checks += _array_checks(schema)
    return _all_of(checks)


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return lambda x: True
    if len(checks) == 1:
        return checks[0]
    first, *rest = checks

    def check(x: Any) -> bool:
        if not first(x):
            return False
        for c in rest:  # noqa: SIM110 (a loop: no generator per record in bulk loads)
            if not c(x):
                return False
        return True

    return check


@lru_cache(maxsize=256)
def _compiled(schema_text: str) -> Check | None:
    import json

    try:
        return _compile(json.loads(schema_text))
    except (Unsupported, re.error, TypeError):
        return None


def compile_fast(schema: dict[str, Any]) -> Check | None:
    """A closure answering "valid?" for `schema`, or None when the schema is outside the subset."""
    import json

    return _compiled(json.dumps(schema, sort_keys=True))
