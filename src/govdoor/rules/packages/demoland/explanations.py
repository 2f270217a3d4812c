"""Plain-language sentences for each decided variable, filled from the trace.

`{name}` is a value from the trace (a variable or a parameter path), `{ref:name}` the legal
reference of a parameter. Sentences are tried in order and every one that holds is said.
"""

from __future__ import annotations

from typing import Any

from govdoor.rules.packages import Explanation


def _v(values: dict[str, Any], name: str) -> Any:
    return values.get(name) or 0


EXPLANATIONS: dict[str, list[Explanation]] = {
    "child_benefit": [
        Explanation(
            when=lambda v: _v(v, "child_benefit") > 0,
            en="You get {child_benefit} a month because your household income "
            "{household_income} is below the limit {child_benefit.income_limit} set by "
            "{ref:child_benefit.income_limit}.",
            fr="Vous recevez {child_benefit} par mois parce que le revenu de votre foyer, "
            "{household_income}, est inférieur au plafond de {child_benefit.income_limit} "
            "fixé par {ref:child_benefit.income_limit}.",
        ),
        Explanation(
            when=lambda v: _v(v, "child_benefit") > 0,
            en="That is {child_benefit.amount_per_child} for each of your {benefit_children} "
            "children under {child_benefit.age_limit} ({ref:child_benefit.amount_per_child}).",
            fr="Soit {child_benefit.amount_per_child} pour chacun de vos {benefit_children} "
            "enfants de moins de {child_benefit.age_limit} ans "
            "({ref:child_benefit.amount_per_child}).",
        ),
        Explanation(
            when=lambda v: (
                _v(v, "child_benefit") == 0
                and _v(v, "household_income") > _v(v, "child_benefit.income_limit")
            ),
            en="You do not get child benefit because your household income "
            "{household_income} is above the limit {child_benefit.income_limit} set by "
            "{ref:child_benefit.income_limit}.",
            fr="Vous ne recevez pas d'allocations familiales parce que le revenu de votre "
            "foyer, {household_income}, dépasse le plafond de {child_benefit.income_limit} "
            "fixé par {ref:child_benefit.income_limit}.",
        ),
        Explanation(
            when=lambda v: _v(v, "child_benefit") == 0 and _v(v, "benefit_children") == 0,
            en="You do not get child benefit because no child under {child_benefit.age_limit} "
            "lives in your household ({ref:child_benefit.age_limit}).",
            fr="Vous ne recevez pas d'allocations familiales parce qu'aucun enfant de moins "
            "de {child_benefit.age_limit} ans ne vit dans votre foyer "
            "({ref:child_benefit.age_limit}).",
        ),
    ],
    "housing_allowance": [
        Explanation(
            when=lambda v: _v(v, "housing_allowance") > 0,
            en="You get {housing_allowance} a month: your rent counted up to "
            "{housing_allowance_rent_ceiling} ({ref:housing_allowance.rent_ceiling_base}), "
            "less {housing_allowance.contribution_rate} of your household income "
            "{household_income} ({ref:housing_allowance.contribution_rate}).",
            fr="Vous recevez {housing_allowance} par mois : votre loyer pris en compte "
            "jusqu'à {housing_allowance_rent_ceiling} "
            "({ref:housing_allowance.rent_ceiling_base}), moins "
            "{housing_allowance.contribution_rate} du revenu de votre foyer, "
            "{household_income} ({ref:housing_allowance.contribution_rate}).",
        ),
        Explanation(
            when=lambda v: _v(v, "household_income") > _v(v, "housing_allowance_income_limit"),
            en="You do not get housing allowance because your household income "
            "{household_income} is above the limit {housing_allowance_income_limit} for "
            "{household_size} people set by {ref:housing_allowance.income_limit_base}.",
            fr="Vous ne recevez pas d'aide au logement parce que le revenu de votre foyer, "
            "{household_income}, dépasse le plafond de {housing_allowance_income_limit} "
            "pour {household_size} personnes fixé par {ref:housing_allowance.income_limit_base}.",
        ),
        Explanation(
            when=lambda v: (
                _v(v, "housing_allowance") == 0
                and _v(v, "household_income") <= _v(v, "housing_allowance_income_limit")
            ),
            en="You do not get housing allowance because the amount worked out is below "
            "the minimum payment of {housing_allowance.minimum_payment} "
            "({ref:housing_allowance.minimum_payment}).",
            fr="Vous ne recevez pas d'aide au logement parce que le montant calculé est "
            "inférieur au versement minimum de {housing_allowance.minimum_payment} "
            "({ref:housing_allowance.minimum_payment}).",
        ),
    ],
    "property_tax_rebate": [
        Explanation(
            when=lambda v: _v(v, "property_tax_rebate") > 0,
            en="You get a rebate of {property_tax_rebate} on your property tax of "
            "{property_tax}, for a yearly household income of {household_yearly_income} "
            "({ref:property_tax_rebate.rate}; at most {property_tax_rebate.maximum}, "
            "{ref:property_tax_rebate.maximum}).",
            fr="Vous bénéficiez d'une réduction de {property_tax_rebate} sur votre taxe "
            "foncière de {property_tax}, pour un revenu annuel du foyer de "
            "{household_yearly_income} ({ref:property_tax_rebate.rate} ; au plus "
            "{property_tax_rebate.maximum}, {ref:property_tax_rebate.maximum}).",
        ),
        Explanation(
            when=lambda v: _v(v, "property_tax_rebate") == 0,
            en="You do not get a property tax rebate: with a yearly household income of "
            "{household_yearly_income}, the rate set by {ref:property_tax_rebate.rate} is zero.",
            fr="Vous ne bénéficiez pas de réduction de taxe foncière : pour un revenu annuel "
            "du foyer de {household_yearly_income}, le taux fixé par "
            "{ref:property_tax_rebate.rate} est nul.",
        ),
    ],
    "startup_grant": [
        Explanation(
            when=lambda v: _v(v, "startup_grant") > 0,
            en="You get a start-up grant of {startup_grant}: {startup_grant.base_amount} "
            "({ref:startup_grant.base_amount}) and {startup_grant.per_employee} for each of "
            "your {business_employees} employees ({ref:startup_grant.per_employee}).",
            fr="Vous recevez une aide à la création de {startup_grant} : "
            "{startup_grant.base_amount} ({ref:startup_grant.base_amount}) et "
            "{startup_grant.per_employee} pour chacun de vos {business_employees} salariés "
            "({ref:startup_grant.per_employee}).",
        ),
        Explanation(
            when=lambda v: (
                _v(v, "startup_grant") == 0
                and _v(v, "business_age_months") > _v(v, "startup_grant.max_business_age")
            ),
            en="You do not get the start-up grant because your business is "
            "{business_age_months} months old, more than the {startup_grant.max_business_age} "
            "months set by {ref:startup_grant.max_business_age}.",
            fr="Vous ne recevez pas l'aide à la création parce que votre entreprise a "
            "{business_age_months} mois, plus que les {startup_grant.max_business_age} mois "
            "fixés par {ref:startup_grant.max_business_age}.",
        ),
        Explanation(
            when=lambda v: (
                _v(v, "startup_grant") == 0
                and _v(v, "business_employees") > _v(v, "startup_grant.max_employees")
            ),
            en="You do not get the start-up grant because your business has "
            "{business_employees} employees, more than the {startup_grant.max_employees} set "
            "by {ref:startup_grant.max_employees}.",
            fr="Vous ne recevez pas l'aide à la création parce que votre entreprise compte "
            "{business_employees} salariés, plus que les {startup_grant.max_employees} fixés "
            "par {ref:startup_grant.max_employees}.",
        ),
        Explanation(
            when=lambda v: (
                _v(v, "startup_grant") == 0 and v.get("startup_grant.eligible_sector") is False
            ),
            en="You do not get the start-up grant because your sector is not listed in "
            "{ref:startup_grant.eligible_sector}.",
            fr="Vous ne recevez pas l'aide à la création parce que votre secteur ne figure "
            "pas dans {ref:startup_grant.eligible_sector}.",
        ),
    ],
}
