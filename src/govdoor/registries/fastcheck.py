"""A fast "is this record valid?" for the common subset of JSON Schema, beside jsonschema.

Why: jsonschema walks a generic validator per keyword (about half a millisecond for a
population record), which dominates a bulk load. Register schemas mostly use a small subset
(types, required, properties, enums of strings, patterns, lengths, bounds, formats). For
such a schema this module generates one specialised Python function (straight-line checks,
no call per keyword) that answers True only when jsonschema would too; anything it answers
False for is re-checked by jsonschema, which writes the error report. A schema using any
other validation keyword gets no fast path (`compile_fast` -> None). Property tests check
the two agree on valid and invalid instances.

Why generated code is safe here: the schema (keeper input) never becomes source text. Every
name, pattern, bound and enum lives in a constant table `C` that the generated function only
indexes; the source is built from this module's own fixed fragments.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from jsonschema import FormatChecker

Check = Callable[[Any], bool]

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
_MISSING = object()

# One expression per JSON type, over the value being checked `{v}`.
TYPE_TESTS = {
    "string": "isinstance({v}, str)",
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
    "null": "{v} is None",
    "boolean": "isinstance({v}, bool)",
    "number": "(isinstance({v}, (int, float)) and not isinstance({v}, bool))",
    "integer": (
        "((isinstance({v}, int) and not isinstance({v}, bool))"
        " or (isinstance({v}, float) and {v}.is_integer()))"
    ),
}
BOUNDS = {
    "minimum": "{v} >= {c}",
    "maximum": "{v} <= {c}",
    "exclusiveMinimum": "{v} > {c}",
    "exclusiveMaximum": "{v} < {c}",
}


class Unsupported(Exception):
    pass


def _format_check(fmt: str) -> Check:
    """jsonschema's own checker for `fmt`, called directly (what FormatChecker.conforms does)."""
    if fmt not in _formats.checkers:
        return lambda value: True
    func, raises = _formats.checkers[fmt]

    def conforms(value: Any) -> bool:
        try:
            return bool(func(value))
        except raises:
            return False

    return conforms


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _block(header: str, body: list[str]) -> list[str]:
    return [header, *("    " + line for line in body)] if body else []


class _Generator:
    """Emits the checks of one schema as Python lines; constants go into `consts`."""

    def __init__(self) -> None:
        self.consts: list[Any] = []
        self.names = 0

    def const(self, value: Any) -> str:
        self.consts.append(value)
        return f"C[{len(self.consts) - 1}]"

    def var(self) -> str:
        self.names += 1
        return f"v{self.names}"

    def node(self, schema: Any, var: str) -> list[str]:
        if schema is True or schema == {}:
            return []
        if not isinstance(schema, dict) or (set(schema) & KEYWORDS) - SUPPORTED:
            raise Unsupported
        lines: list[str] = []
        known = ""
        if "type" in schema:
            kinds = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
            if not isinstance(kinds, list) or not kinds or not all(k in TYPE_TESTS for k in kinds):
                raise Unsupported
            test = " or ".join(TYPE_TESTS[k].format(v=var) for k in kinds)
            lines.append(f"if not ({test}): return False")
            known = kinds[0] if len(kinds) == 1 else ""
        for key in ("enum", "const"):
            if key in schema:
                values = schema[key] if key == "enum" else [schema[key]]
                if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    raise Unsupported  # jsonschema's equality of 1, 1.0 and True differs from ==
                c = self.const(frozenset(values))
                lines.append(f"if not (isinstance({var}, str) and {var} in {c}): return False")
        if "format" in schema:
            lines.append(
                f"if not {self.const(_format_check(schema['format']))}({var}): return False"
            )
        lines += self._guarded(known, "string", var, self._strings(schema, var))
        lines += self._guarded(known, "number", var, self._numbers(schema, var))
        lines += self._guarded(known, "object", var, self._object(schema, var))
        lines += self._guarded(known, "array", var, self._array(schema, var))
        return lines

    @staticmethod
    def _guarded(known: str, kind: str, var: str, body: list[str]) -> list[str]:
        """`body` runs only for values of `kind` (skipped when the type is known already)."""
        if known == kind or (kind == "number" and known == "integer"):
            return body
        return _block(f"if {TYPE_TESTS[kind].format(v=var)}:", body)

    def _strings(self, schema: dict[str, Any], var: str) -> list[str]:
        lines = []
        if "pattern" in schema:
            search = self.const(re.compile(schema["pattern"]).search)
            lines.append(f"if {search}({var}) is None: return False")
        for key, op in (("minLength", "<"), ("maxLength", ">")):
            if key in schema:
                if not isinstance(schema[key], int) or isinstance(schema[key], bool):
                    raise Unsupported
                lines.append(f"if len({var}) {op} {self.const(schema[key])}: return False")
        return lines

    def _numbers(self, schema: dict[str, Any], var: str) -> list[str]:
        lines = []
        for key, test in BOUNDS.items():
            if key in schema:
                if not _is_number(schema[key]):
                    raise Unsupported
                condition = test.format(v=var, c=self.const(schema[key]))
                lines.append(f"if not ({condition}): return False")
        return lines

    def _object(self, schema: dict[str, Any], var: str) -> list[str]:
        lines = []
        required = schema.get("required", [])
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            raise Unsupported
        if required:
            lines.append(f"if not {var}.keys() >= {self.const(frozenset(required))}: return False")
        extra = schema.get("additionalProperties", True)
        if not isinstance(extra, bool):
            raise Unsupported
        props = schema.get("properties", {})
        if not isinstance(props, dict):
            raise Unsupported
        if not extra:
            allowed = self.const(frozenset(props))
            lines.append(f"if not {allowed}.issuperset({var}): return False")
        for name, sub in props.items():
            inner = self.var()
            body = self.node(sub, inner)
            if body:
                lines.append(f"{inner} = {var}.get({self.const(name)}, M)")
                lines += _block(f"if {inner} is not M:", body)
        return lines

    def _array(self, schema: dict[str, Any], var: str) -> list[str]:
        lines = []
        for key, op in (("minItems", "<"), ("maxItems", ">")):
            if key in schema:
                if not isinstance(schema[key], int) or isinstance(schema[key], bool):
                    raise Unsupported
                lines.append(f"if len({var}) {op} {self.const(schema[key])}: return False")
        if "items" in schema:
            item = self.var()
            lines += _block(f"for {item} in {var}:", self.node(schema["items"], item))
        return lines


SAFE_BUILTINS = {"isinstance": isinstance, "len": len, "str": str, "dict": dict}
SAFE_BUILTINS |= {"list": list, "int": int, "float": float, "bool": bool}


def _generate(schema: Any) -> tuple[str, list[Any]]:
    gen = _Generator()
    body = gen.node(schema, "x")
    source = "\n".join(["def check(x):", *("    " + line for line in body), "    return True"])
    return source, gen.consts


@lru_cache(maxsize=256)
def _compiled(schema_text: str) -> Check | None:
    try:
        source, consts = _generate(json.loads(schema_text))
        namespace: dict[str, Any] = {"__builtins__": SAFE_BUILTINS, "C": consts, "M": _MISSING}
        exec(compile(source, "<registries.fastcheck>", "exec"), namespace)  # noqa: S102
    except (Unsupported, re.error, TypeError, SyntaxError, RecursionError, MemoryError):
        return None
    check: Check = namespace["check"]
    return check


def compile_fast(schema: dict[str, Any]) -> Check | None:
    """A function answering "valid?" for `schema`, or None when the schema is outside the subset."""
    return _compiled(json.dumps(schema, sort_keys=True))
