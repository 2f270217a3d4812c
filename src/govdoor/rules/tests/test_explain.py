"""Explanations built from a trace, in English and French, for each benefit."""

from __future__ import annotations

from typing import Any

import pytest

from govdoor.rules import engine, explain
from govdoor.rules.packages import rule_packages

PACKAGE = rule_packages.get("demoland")


def sentences(situation: dict[str, Any], variable: str, period: str, language: str) -> list[str]:
    calculation = engine.calculate(
        package=PACKAGE, version="2026.1", situation=situation, period=period
    )
    return explain.explanation_sentences(
        package=PACKAGE,
        version="2026.1",
        variable=variable,
        trace=calculation.trace,
        language=language,
    )


def family(income: float, *child_ages: int) -> dict[str, Any]:
    persons: dict[str, Any] = {"p": {"age": 40}}
    persons.update({f"c{i}": {"age": a} for i, a in enumerate(child_ages)})
    return {
        "persons": persons,
        "households": {
            "h": {
                "adults": ["p"],
                "children": [f"c{i}" for i in range(len(child_ages))],
                "household_income": income,
                "child_benefit": None,
            }
        },
    }


def test_the_child_benefit_explanation_names_the_amount_the_income_the_limit_and_the_article():
    en = sentences(family(1850, 6), "child_benefit", "2026-03", "en")
    assert en[0] == (
        "You get 120.00 a month because your household income 1,850.00 is below the limit "
        "2,400.00 set by Article 4 of the Child Benefit Act."
    )
    fr = sentences(family(1850, 6), "child_benefit", "2026-03", "fr")
    assert fr[0] == (
        "Vous recevez 120,00 par mois parce que le revenu de votre foyer, 1\u202f850,00, est "
        "inférieur au plafond de 2\u202f400,00 fixé par Article 4 de la loi sur les "
        "allocations familiales."
    )


def test_the_explanation_uses_the_amounts_in_force_on_the_date():
    en = sentences(family(1850, 6), "child_benefit", "2025-03", "en")
    assert en[0].startswith("You get 110.00 a month") and "limit 2,200.00" in en[0]


def test_a_refusal_is_explained_by_the_condition_that_failed():
    above = sentences(family(3000, 6), "child_benefit", "2026-03", "en")
    assert above == [
        "You do not get child benefit because your household income 3,000.00 is above the "
        "limit 2,400.00 set by Article 4 of the Child Benefit Act."
    ]
    no_child = sentences(family(1000, 19), "child_benefit", "2026-03", "en")
    assert "no child under 18 lives in your household" in no_child[0]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_housing_and_grant_explanations_fill_every_value(language: str) -> None:
    housing = {
        "persons": {"t": {"age": 30}},
        "households": {
            "h": {"adults": ["t"], "household_income": 1000, "rent": 700, "housing_allowance": None}
        },
    }
    text = " ".join(sentences(housing, "housing_allowance", "2026-02", language))
    assert ("370.00" in text or "370,00" in text) and ("28%" in text or "28\u202f%" in text)
    grant = {
        "persons": {
            "f": {
                "age": 30,
                "business_sector": "finance",
                "business_age_months": 3,
                "business_employees": 1,
                "startup_grant": None,
            }
        },
        "households": {"h": {"adults": ["f"]}},
    }
    refused = sentences(grant, "startup_grant", "2026-04", language)
    assert len(refused) == 1 and "{" not in refused[0]


def test_money_is_formatted_per_language():
    assert explain.format_money(1234567.5, "en") == "1,234,567.50"
    assert explain.format_money(1234567.5, "fr") == "1\u202f234\u202f567,50"
