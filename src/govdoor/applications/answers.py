"""One page's answers: read from the posted form, checked against the definition, shown back.

`page_parse` returns the clean values (JSON-ready: str, int, bool, dicts), what the person
typed (so a page with errors shows their input again) and one error message per field,
worded as the GOV.UK design system words them ("Enter …", "Select …").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from govdoor.applications.definition import condition_met, text
from govdoor.core import clock

PHONE = re.compile(r"^\+?[0-9 ()\-]{6,20}$")
DEFAULT_MAX_LENGTH = 500
ADDRESS_PARTS = ("line1", "line2", "town", "postcode")


@dataclass
class Parsed:
    values: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _limit(value: Any, kind: str) -> Any:
    if kind == "date":
        return clock.today() if value == "today" else dt.date.fromisoformat(str(value))
    return Decimal(str(value))


def _bounds(spec: dict[str, Any], value: Any, kind: str, label: str) -> str | None:
    rules = spec.get("validation", {})
    if "min" in rules and value < _limit(rules["min"], kind):
        return _("%(label)s must be %(min)s or more.") % {"label": label, "min": rules["min"]}
    if "max" in rules and value > _limit(rules["max"], kind):
        return _("%(label)s must be %(max)s or less.") % {"label": label, "max": rules["max"]}
    return None


def _text(spec: dict[str, Any], raw: str, label: str) -> tuple[Any, str | None]:
    rules = spec.get("validation", {})
    limit = rules.get("max_length", DEFAULT_MAX_LENGTH)
    if len(raw) > limit:
        return None, _("%(label)s must be %(n)s characters or fewer.") % {
            "label": label,
            "n": limit,
        }
    if spec["type"] == "email":
        try:
            validate_email(raw)
        except ValidationError:
            return None, _("Enter an email address in the correct format, like name@example.com")
    if spec["type"] == "phone" and not PHONE.match(raw):
        return None, _("Enter a telephone number, like 01632 960 001 or +44 808 157 0192")
    if "pattern" in rules and not re.fullmatch(rules["pattern"], raw):
        return None, _("%(label)s is not in the right format.") % {"label": label}
    return raw, None


GROUPING_SPACES = (" ", "\u00a0", "\u202f")


def number_normalise(raw: str) -> str:
    """A typed number in the notation Decimal reads, whichever convention the person used.

    Why: French writes 600,50 and 1 234,56; English writes 600.50 and 1,234.56. Removing
    every comma would turn a French 600,50 into 60050. With both marks, the last one is the
    decimal mark; a lone comma is decimal in French, and in English unless three digits
    follow it (1,000 is a thousand).
    """
    text = raw.strip()
    for space in GROUPING_SPACES:
        text = text.replace(space, "")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")
    if "," in text:
        head, _sep, tail = text.rpartition(",")
        decimal_comma = (get_language() or "en").startswith("fr")
        if text.count(",") == 1 and (decimal_comma or len(tail) != 3):
            return f"{head}.{tail}"
        return text.replace(",", "")
    return text


def _number(spec: dict[str, Any], raw: str, label: str) -> tuple[Any, str | None]:
    cleaned = number_normalise(raw)
    if spec["type"] == "money":
        cleaned = cleaned.lstrip("€$£")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None, _("%(label)s must be a number.") % {"label": label}
    if not number.is_finite():
        return None, _("%(label)s must be a number.") % {"label": label}
    if spec["type"] == "money":
        if number < 0 or number.as_tuple().exponent < -2:  # type: ignore[operator]
            return None, _("%(label)s must be an amount of money, like 600 or 600.50") % {
                "label": label
            }
        error = _bounds(spec, number, "number", label)
        return (None, error) if error else (str(number.quantize(Decimal("0.01"))), None)
    error = _bounds(spec, number, "number", label)
    if error:
        return None, error
    return (int(number) if number == number.to_integral_value() else float(number)), None


def _date(spec: dict[str, Any], parts: dict[str, str], label: str) -> tuple[Any, str | None]:
    try:
        day = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except (ValueError, KeyError):
        return None, _("%(label)s must be a real date.") % {"label": label}
    error = _bounds(spec, day, "date", label)
    return (None, error) if error else (day.isoformat(), None)


def _raw_of(spec: dict[str, Any], data: Any) -> Any:
    name = spec["name"]
    if spec["type"] == "date":
        return {p: data.get(f"{name}-{p}", "").strip() for p in ("day", "month", "year")}
    if spec["type"] == "address":
        return {p: data.get(f"{name}-{p}", "").strip() for p in ADDRESS_PARTS}
    return str(data.get(name, "")).strip()


def _is_blank(raw: Any) -> bool:
    return not any(raw.values()) if isinstance(raw, dict) else raw == ""


def field_parse(spec: dict[str, Any], raw: Any) -> tuple[Any, str | None]:
    """A clean value or an error for one field that is not blank."""
    label = text(spec["label"])
    kind = spec["type"]
    if kind in ("text", "email", "phone"):
        return _text(spec, raw, label)
    if kind in ("number", "money"):
        return _number(spec, raw, label)
    if kind == "date":
        return _date(spec, raw, label)
    if kind == "yesno":
        if raw not in ("yes", "no"):
            return None, _("Select yes or no")
        return raw == "yes", None
    if kind == "choice":
        if raw not in [o["value"] for o in spec.get("options", [])]:
            return None, _("Select %(label)s") % {"label": label.lower()}
        return raw, None
    if kind == "address":
        missing = [p for p in ("line1", "town", "postcode") if not raw.get(p)]
        if missing:
            return None, _("Enter the building and street, town and postcode of %(label)s") % {
                "label": label.lower()
            }
        return {p: raw[p][:200] for p in ADDRESS_PARTS}, None
    return None, _("This question cannot be answered here.")


def _required_message(spec: dict[str, Any]) -> str:
    label = text(spec["label"])
    if spec["type"] in ("yesno", "choice"):
        return _("Select %(label)s") % {"label": label.lower()}
    if spec["type"] == "file":
        return _("Select a file for %(label)s") % {"label": label.lower()}
    return _("Enter %(label)s") % {"label": label.lower()}


def page_parse(
    page: dict[str, Any],
    data: Any,
    *,
    answers: dict[str, Any],
    skip: set[str],
    files: dict[str, list[str]] | None = None,
) -> Parsed:
    """Parse the fields of `page` from `data` (request.POST). `skip` are fields not typed
    (prefilled from a register); `files` are the document ids already held per file field."""
    out = Parsed()
    for spec in page["fields"]:
        name = spec["name"]
        if name in skip or not condition_met(spec.get("condition"), answers):
            continue
        if spec["type"] == "file":
            held = (files or {}).get(name) or []
            if held:
                out.values[name] = held
            elif spec.get("required"):
                out.errors[name] = _required_message(spec)
            continue
        raw = _raw_of(spec, data)
        out.raw[name] = raw
        if _is_blank(raw):
            if spec.get("required"):
                out.errors[name] = _required_message(spec)
            else:
                out.values[name] = None
            continue
        value, error = field_parse(spec, raw)
        if error:
            out.errors[name] = error
        else:
            out.values[name] = value
    return out


def raw_from_value(spec: dict[str, Any], value: Any) -> Any:
    """What an input shows for a saved value (the inverse of parsing)."""
    if value is None:
        return {} if spec["type"] in ("date", "address") else ""
    if spec["type"] == "date":
        day = dt.date.fromisoformat(value)
        return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
    if spec["type"] == "yesno":
        return "yes" if value else "no"
    return value


def display(spec: dict[str, Any], value: Any) -> str:
    """A value as the person reads it on the review page."""
    if value is None or value == "" or value == []:
        return ""
    kind = spec["type"]
    if kind == "yesno":
        return _("Yes") if value else _("No")
    if kind == "date":
        try:
            return str(date_format(dt.date.fromisoformat(str(value)), "j F Y"))
        except ValueError:
            return str(value)
    if kind == "choice":
        option = next((o for o in spec.get("options", []) if o["value"] == value), None)
        return text(option["label"]) if option else str(value)
    if kind == "address" and isinstance(value, dict):
        return ", ".join(str(value[p]) for p in ADDRESS_PARTS if value.get(p))
    if kind == "file" and isinstance(value, list):
        return _("%(n)s file(s) uploaded") % {"n": len(value)}
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def value_fits(spec: dict[str, Any], value: Any) -> bool:
    """Does a saved value still answer this (possibly changed) field? For stale drafts."""
    if value is None:
        return True
    kind = spec["type"]
    if kind == "choice":
        return value in [o["value"] for o in spec.get("options", [])]
    if kind == "yesno":
        return isinstance(value, bool)
    if kind == "file":
        return isinstance(value, list)
    if kind == "address":
        return isinstance(value, dict)
    if kind == "date":
        raw = raw_from_value(spec, value)
        return field_parse(spec, raw)[1] is None
    if kind in ("number", "money", "text", "email", "phone"):
        return field_parse(spec, str(value))[1] is None
    return False
