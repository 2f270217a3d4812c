"""Demoland's legislation as code: child benefit, housing allowance, the municipal
property-tax rebate and the business start-up grant.

Versions: "2026.1" is the law in force (amounts dated from 2020 and 2026); "2027.1" is the
draft for 2027 (a reform of 2026.1: child benefit 130.00 per child and a lower income limit,
a higher housing contribution rate), used in the regulatory sandbox before it is switched on.
"""

from __future__ import annotations

import os
from typing import Any

from openfisca_core import periods
from openfisca_core.reforms import Reform
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from govdoor.rules.packages import RulePackage, rule_packages
from govdoor.rules.packages.demoland import variables
from govdoor.rules.packages.demoland.entities import entities
from govdoor.rules.packages.demoland.explanations import EXPLANATIONS

HERE = os.path.dirname(os.path.abspath(__file__))
PARAMETERS = os.path.join(HERE, "parameters")
TESTS = os.path.join(HERE, "tests")


class DemolandSystem(TaxBenefitSystem):  # type: ignore[misc]
    """The tax-benefit system of Demoland (entities, variables, dated parameters)."""

    CURRENCY = "DLD"

    def __init__(self) -> None:
        super().__init__(entities)
        for value in list(vars(variables).values()):
            ours = isinstance(value, type) and value.__module__ == variables.__name__
            if ours and hasattr(value, "entity") and hasattr(value, "value_type"):
                self.add_variable(value)
        self.load_parameters(PARAMETERS)


def _draft_2027(parameters: Any) -> Any:
    start = periods.period("year:2027-01-01:50")
    parameters.child_benefit.amount_per_child.update(period=start, value=130.0)
    parameters.child_benefit.income_limit.update(period=start, value=2250.0)
    parameters.housing_allowance.contribution_rate.update(period=start, value=0.3)
    return parameters


class Draft2027(Reform):  # type: ignore[misc]
    name = "Demoland 2027.1 (draft)"

    def apply(self) -> None:
        self.modify_parameters(modifier_function=_draft_2027)


def build_2026() -> TaxBenefitSystem:
    return DemolandSystem()


def build_2027() -> TaxBenefitSystem:
    return Draft2027(DemolandSystem())


DEMOLAND = rule_packages.register("demoland")(
    RulePackage(
        code="demoland",
        title="Legislation of Demoland",
        builders={"2026.1": build_2026, "2027.1": build_2027},
        explanations=EXPLANATIONS,
        required_inputs={
            "child_benefit": ["household_income", "age"],
            "housing_allowance": ["household_income", "rent"],
            "property_tax_rebate": ["household_income", "property_tax"],
            "startup_grant": ["business_sector", "business_age_months", "business_employees"],
        },
    )
)
