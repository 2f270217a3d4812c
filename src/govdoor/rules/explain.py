"""Plain-language explanations built from a stored trace and the legal references in it.

"You get 120.00 a month because your household income 1,850.00 is below the limit 2,400.00
set by Article 4 of the Child Benefit Act": the numbers come from the trace (the values the
calculation used), the article from the parameter's `metadata.reference`, and the sentence
from the package's explanation templates for the decided variable.
"""

from __future__ import annotations

import re
import string
from decimal import Decimal
from typing import Any

from govdoor.rules.engine import money, parameter_info, trace_walk
from govdoor.rules.packages import RulePackage

LANGUAGES = ("en", "fr")
_SLOT = re.compile(r"\{([^{}]+)\}")
NNBSP = "\u202f"


def format_money(value: Any, language: str) -> str:
    text = f"{money(value):,.2f}"
    if language == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    return text


def format_value(value: Any, kind: str, language: str) -> str:
    if isinstance(value, bool) or kind == "bool":
        yes_no = {"en": ("yes", "no"), "fr": ("oui", "non")}[language]
        return yes_no[0] if value else yes_no[1]
    if kind == "/1":
        pct = (Decimal(str(value)) * 100).normalize()
        return f"{pct:f}{NNBSP if language == 'fr' else ''}%"
    if kind in ("float", "currency"):
        return format_money(value, language)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def trace_values(trace: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The first value of every variable and parameter in the trace (entity 0: the
    decision's household or applicant), and what is known about each (type, reference)."""
    values: dict[str, Any] = {}
    info: dict[str, dict[str, Any]] = {}
    for node in trace_walk(trace):
        if node["name"] not in values and node.get("value"):
            values[node["name"]] = node["value"][0]
            info[node["name"]] = {"kind": node.get("type", ""), "reference": node.get("reference")}
        for p in node.get("parameters", []):
            if p["name"] not in values and p.get("value"):
                values[p["name"]] = p["value"][0]
                info[p["name"]] = {
                    "kind": p.get("unit", ""),
                    "reference": p.get("reference", ""),
                    "reference_fr": p.get("reference_fr", ""),
                }
    return values, info


def _fill(
    template: str,
    values: dict[str, Any],
    info: dict[str, dict[str, Any]],
    language: str,
    lookup: Any,
) -> str | None:
    """Fill `{name}` and `{ref:name}`; None when a value the sentence needs is missing."""
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        key = match.group(1)
        if key.startswith("ref:"):
            name = key[4:]
            known = info.get(name) or lookup(name)
            ref = (known.get("reference_fr") if language == "fr" else "") or known.get(
                "reference", ""
            )
            if not ref:
                missing = True
            return str(ref)
        if key not in values:
            missing = True
            return ""
        return format_value(values[key], info.get(key, {}).get("kind", ""), language)

    text = _SLOT.sub(replace, template)
    return None if missing else text


def explanation_sentences(
    *,
    package: RulePackage,
    version: str,
    variable: str,
    trace: list[dict[str, Any]],
    language: str,
) -> list[str]:
    """The sentences explaining `variable`, in `language` ("en" or "fr")."""
    language = language if language in LANGUAGES else "en"
    values, info = trace_values(trace)

    def lookup(name: str) -> dict[str, Any]:
        return parameter_info(package.system(version), name) if version in package.versions else {}

    sentences = []
    for item in package.explanations.get(variable, []):
        try:
            holds = item.when(values)
        except (TypeError, ValueError):
            holds = False
        if not holds:
            continue
        text = _fill(getattr(item, language), values, info, language, lookup)
        if text:
            sentences.append(text)
    return sentences


def formatter_keys(template: str) -> list[str]:
    """The slot names of a template (used by the tests that check every slot resolves)."""
    return [f for _, f, _, _ in string.Formatter().parse(template) if f]
