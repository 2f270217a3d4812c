"""A form definition: its JSON Schema, the semantic checks, and reading it.

A definition is `{"title": {en, fr}, "pages": [{"name", "title", "condition"?, "fields": [...]}]}`
and a field is `{"name", "type", "label", "hint"?, "required"?, "options"?, "validation"?,
"condition"?, "prefill"?}`. Conditions (`{"field": name, "equals": value}`) point at a field
of an earlier page: a page is shown, or a field asked, only when that answer equals the value.

Why errors carry a path ("pages[1].fields[0].prefill.register"): the service owner edits raw
JSON, and an error that does not say where is no help.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

FIELD_TYPES = (
    "text",
    "number",
    "date",
    "yesno",
    "choice",
    "address",
    "email",
    "phone",
    "money",
    "file",
)
RESERVED_PAGE_NAMES = frozenset({"review", "send", "changes", "correct"})
NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
TEXT = {
    "type": "object",
    "required": ["en"],
    "properties": {"en": {"type": "string", "minLength": 1}, "fr": {"type": "string"}},
    "additionalProperties": False,
}
CONDITION = {
    "type": "object",
    "required": ["field", "equals"],
    "properties": {"field": NAME, "equals": {"type": ["string", "boolean", "number"]}},
    "additionalProperties": False,
}
FIELD = {
    "type": "object",
    "required": ["name", "type", "label"],
    "additionalProperties": False,
    "properties": {
        "name": NAME,
        "type": {"enum": list(FIELD_TYPES)},
        "label": TEXT,
        "hint": TEXT,
        "required": {"type": "boolean"},
        "options": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["value", "label"],
                "properties": {"value": {"type": "string", "minLength": 1}, "label": TEXT},
                "additionalProperties": False,
            },
        },
        "validation": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "min": {"type": ["number", "string"]},
                "max": {"type": ["number", "string"]},
                "pattern": {"type": "string", "minLength": 1},
                "max_length": {"type": "integer", "minimum": 1, "maximum": 10000},
            },
        },
        "condition": CONDITION,
        "prefill": {
            "type": "object",
            "required": ["register", "field", "purpose"],
            "properties": {
                "register": {"type": "string", "minLength": 1},
                "field": {"type": "string", "minLength": 1},
                "purpose": {"type": "string", "minLength": 1},
            },
            "additionalProperties": False,
        },
    },
}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["pages"],
    "additionalProperties": False,
    "properties": {
        "title": TEXT,
        "pages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "title", "fields"],
                "additionalProperties": False,
                "properties": {
                    "name": NAME,
                    "title": TEXT,
                    "condition": CONDITION,
                    "fields": {"type": "array", "minItems": 1, "items": FIELD},
                },
            },
        },
    },
}
_validator = Draft202012Validator(SCHEMA)


@dataclass(frozen=True)
class DefinitionError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def schema_errors(definition: Any) -> list[DefinitionError]:
    errors = sorted(_validator.iter_errors(definition), key=lambda e: list(e.absolute_path))
    return [DefinitionError(_path(e.absolute_path), e.message) for e in errors]


# --- reading ------------------------------------------------------------------------------


def text(value: Any) -> str:
    """A {en, fr} text in the active language, English when there is no translation."""
    if not isinstance(value, dict):
        return str(value or "")
    language = (get_language() or "en").split("-")[0]
    return str(value.get(language) or value.get("en") or "")


def pages(definition: dict[str, Any]) -> list[dict[str, Any]]:
    return list(definition.get("pages", []))


def fields(definition: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(page, field) for every field, in order."""
    for page in pages(definition):
        for field in page.get("fields", []):
            yield page, field


def field_map(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for _p, f in fields(definition)}


def page_get(definition: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((p for p in pages(definition) if p["name"] == name), None)


def condition_met(condition: dict[str, Any] | None, answers: dict[str, Any]) -> bool:
    if not condition:
        return True
    return bool(answers.get(condition["field"]) == condition["equals"])


# --- semantic checks ----------------------------------------------------------------------


def _condition_errors(
    path: str, condition: dict[str, Any] | None, earlier: dict[str, dict[str, Any]]
) -> list[DefinitionError]:
    if not condition:
        return []
    target = earlier.get(condition["field"])
    if target is None:
        return [
            DefinitionError(
                f"{path}.condition.field",
                _("%(f)s is not a field of an earlier page.") % {"f": condition["field"]},
            )
        ]
    equals = condition["equals"]
    if target["type"] == "yesno" and not isinstance(equals, bool):
        return [DefinitionError(f"{path}.condition.equals", _("A yes/no answer is true or false."))]
    if target["type"] == "choice" and equals not in [o["value"] for o in target.get("options", [])]:
        return [
            DefinitionError(
                f"{path}.condition.equals",
                _("%(v)s is not an option of %(f)s.") % {"v": equals, "f": target["name"]},
            )
        ]
    return []


def _validation_errors(path: str, field: dict[str, Any]) -> list[DefinitionError]:
    rules = field.get("validation", {})
    out: list[DefinitionError] = []
    if "pattern" in rules:
        try:
            re.compile(rules["pattern"])
        except re.error as exc:
            out.append(DefinitionError(f"{path}.validation.pattern", str(exc)))
    if ("min" in rules or "max" in rules) and field["type"] not in ("number", "money", "date"):
        out.append(
            DefinitionError(
                f"{path}.validation", _("min and max apply to numbers, money and dates only.")
            )
        )
    if field["type"] == "choice" and not field.get("options"):
        out.append(DefinitionError(f"{path}.options", _("A choice needs options.")))
    if field["type"] != "choice" and field.get("options"):
        out.append(DefinitionError(f"{path}.options", _("Only a choice has options.")))
    return out


def semantic_errors(
    definition: dict[str, Any], *, prefill_check: Any = None
) -> list[DefinitionError]:
    """Duplicate names, conditions on unknown or later fields, prefills that cannot work.

    `prefill_check(path, prefill) -> list[DefinitionError]` checks a prefill against the
    registers and the exchange (services pass one; this module knows neither).
    """
    out: list[DefinitionError] = []
    page_names: set[str] = set()
    earlier: dict[str, dict[str, Any]] = {}
    for p_index, page in enumerate(pages(definition)):
        page_path = f"pages[{p_index}]"
        if page["name"] in RESERVED_PAGE_NAMES:
            out.append(
                DefinitionError(f"{page_path}.name", _("%(name)s is a reserved page name.") % page)
            )
        if page["name"] in page_names:
            out.append(DefinitionError(f"{page_path}.name", _("Two pages are named %(n)s.") % page))
        page_names.add(page["name"])
        out.extend(_condition_errors(page_path, page.get("condition"), earlier))
        this_page: dict[str, dict[str, Any]] = {}
        for f_index, field in enumerate(page["fields"]):
            path = f"{page_path}.fields[{f_index}]"
            if field["name"] in earlier or field["name"] in this_page:
                out.append(
                    DefinitionError(f"{path}.name", _("Two fields are named %(name)s.") % field)
                )
            out.extend(_condition_errors(path, field.get("condition"), earlier))
            out.extend(_validation_errors(path, field))
            if "prefill" in field:
                if field["type"] in ("file", "address", "choice"):
                    out.append(
                        DefinitionError(
                            f"{path}.prefill",
                            _("A %(type)s field cannot be prefilled from a register.") % field,
                        )
                    )
                elif prefill_check is not None:
                    out.extend(prefill_check(f"{path}.prefill", field["prefill"]))
            this_page[field["name"]] = field
        earlier.update(this_page)
    return out


def definition_errors(definition: Any, *, prefill_check: Any = None) -> list[DefinitionError]:
    """Every error of a definition: the schema first, then (if it holds) the semantics."""
    errors = schema_errors(definition)
    if errors:
        return errors
    return semantic_errors(definition, prefill_check=prefill_check)


def fields_changed(old: dict[str, Any], new: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Field names added and removed between two definitions (labels in the new language)."""
    before, after = field_map(old), field_map(new)
    added = [n for n in after if n not in before]
    removed = [n for n in before if n not in after]
    return added, removed
