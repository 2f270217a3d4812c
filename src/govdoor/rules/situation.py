"""From a case to an OpenFisca situation: every input with where it came from.

A binding's `input_mapping` says which case answer feeds which variable:
    {"household": {"household_income": "household_income", "rent": "monthly_rent"},
     "applicant": {"business_employees": "employees"},
     "children": "children_birth_dates",          # a list of dates (or ages), or a count
     "household_members": "household_size"}       # optional: people in the home in all
A variable's entry may also be {"answer": "yearly_income", "divide_by": 12} (a yearly amount
answered, a monthly amount needed).
The applicant's age comes from the person's record (population register: birth date), and a
business's age in months from the business register (founded on), unless the answers give
them. Answers are {"value": .., "source": {...}} (as applications stores them); a bare value
counts as declared by the person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from govdoor.core.errors import DomainError

DECLARED = {"declared": True}


@dataclass
class Built:
    situation: dict[str, Any]
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)


def period_for(kind: str, day: dt.date) -> str:
    return str(day.year) if kind == "year" else day.strftime("%Y-%m")


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def months_between(start: dt.date, day: dt.date) -> int:
    return max(0, (day.year - start.year) * 12 + day.month - start.month)


def _answer(answers: dict[str, Any], key: str) -> tuple[Any, dict[str, Any]]:
    if key not in answers:
        raise DomainError(
            _("The case has no answer %(key)r that the rule needs.") % {"key": key}, field=key
        )
    raw = answers[key]
    if isinstance(raw, dict) and "value" in raw:
        return raw["value"], dict(raw.get("source") or DECLARED)
    return raw, dict(DECLARED)


def _number(value: Any, key: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise DomainError(
            _("The answer %(key)r is not a number.") % {"key": key}, field=key
        ) from None


def _child_ages(value: Any, key: str, day: dt.date) -> list[int]:
    if isinstance(value, int | float | str) and str(value).isdigit():
        return [0] * int(value)  # a count of children under the age limit
    if isinstance(value, str):
        value = [value]  # one child's date of birth
    if not isinstance(value, list):
        raise DomainError(_("The answer %(key)r must list the children.") % {"key": key}, field=key)
    ages = []
    for item in value:
        if isinstance(item, int):
            ages.append(item)
            continue
        try:
            ages.append(age_on(dt.date.fromisoformat(str(item)), day))
        except ValueError:
            raise DomainError(
                _("The answer %(key)r has a date that is not valid.") % {"key": key}, field=key
            ) from None
    return ages


def situation_for_case(
    *, case: Any, mapping: dict[str, Any], variable: str, entity: str, period: str, day: dt.date
) -> Built:
    """The situation of one household (the applicant and the children named) for `period`,
    with `variable` asked for (null) on the household or on the applicant."""
    answers = dict(case.answers or {})
    built = Built(situation={})
    applicant: dict[str, Any] = {}
    household: dict[str, Any] = {}
    applicant_person = getattr(case, "applicant", None)
    if applicant_person is not None and "age" not in mapping.get("applicant", {}):
        applicant["age"] = {period: age_on(applicant_person.birth_date, day)}
        built.inputs["age"] = {
            "value": applicant["age"][period],
            "source": {"register": "population", "field": "birth_date", "derived": "age"},
        }
    business = getattr(case, "business", None)
    business_map = mapping.get("applicant", {})
    if business is not None and "business_age_months" not in business_map:
        applicant["business_age_months"] = {period: months_between(business.founded_on, day)}
        built.inputs["business_age_months"] = {
            "value": applicant["business_age_months"][period],
            "source": {"register": "businesses", "field": "founded_on", "derived": "months"},
        }
    for target, part in ((applicant, "applicant"), (household, "household")):
        for var, spec in mapping.get(part, {}).items():
            key = spec["answer"] if isinstance(spec, dict) else spec
            value, source = _answer(answers, key)
            if var not in ("business_sector",):
                value = _number(value, key)
                if isinstance(spec, dict) and spec.get("divide_by"):
                    value = round(value / float(spec["divide_by"]), 2)
                value = int(value) if var in _INTEGERS else value
            target[var] = {period: value}
            built.inputs[var] = {"value": value, "source": source}
    persons: dict[str, Any] = {"applicant": applicant}
    adults, children = ["applicant"], []
    if mapping.get("children"):
        value, source = _answer(answers, mapping["children"])
        ages = _child_ages(value, mapping["children"], day)
        for i, age in enumerate(ages):
            persons[f"child{i + 1}"] = {"age": {period: age}}
            children.append(f"child{i + 1}")
        built.inputs["children"] = {"value": ages, "source": source}
    if mapping.get("household_members"):
        value, source = _answer(answers, mapping["household_members"])
        extra = max(0, int(_number(value, mapping["household_members"])) - len(persons))
        for i in range(extra):
            persons[f"member{i + 1}"] = {"age": {period: 30}}
            (adults if len(adults) < 2 else children).append(f"member{i + 1}")
        built.inputs["household_members"] = {"value": value, "source": source}
    household.update({"adults": adults, "children": children})
    if entity == "household":
        household[variable] = {period: None}
    else:
        applicant[variable] = {period: None}
    built.situation = {"persons": persons, "households": {"household": household}}
    return built


_INTEGERS = {"business_employees", "business_age_months", "age"}
