"""The variables of Demoland's law: inputs the person or a register gives, and formulas.

Each formula cites its legal reference; amounts are computed in floats by OpenFisca and
turned into Decimal (2 places) when stored or shown.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from openfisca_core.holders import set_input_dispatch_by_period, set_input_divide_by_period
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from govdoor.rules.packages.demoland.entities import Household, Person

MONTH, YEAR, ETERNITY = DateUnit.MONTH, DateUnit.YEAR, DateUnit.ETERNITY
CHILD_BENEFIT_ACT = "Child Benefit Act"
HOUSING_ACT = "Housing Support Act"
LOCAL_TAX_ACT = "Local Taxation Act"
ENTERPRISE_DECREE = "Enterprise Support Decree"


# --- persons ---------------------------------------------------------------------------------
class age(Variable):
    set_input = set_input_dispatch_by_period
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Age in whole years"
    reference = "Civil Registry Act, s. 4 (date of birth)"


class disability(Variable):
    set_input = set_input_dispatch_by_period
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Has a recognised disability"
    reference = "Disability Recognition Act, s. 2"


class is_benefit_child(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Is a child who counts for child benefit"
    reference = "Article 2 of the Child Benefit Act"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        limit = parameters(period).child_benefit.age_limit
        return person("age", period) < limit


# --- households: income and size ---------------------------------------------------------------
class household_income(Variable):
    set_input = set_input_divide_by_period
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "Monthly income of the household, before tax"
    reference = "Article 4(2) of the Child Benefit Act; Section 3(3) of the Housing Support Act"


class household_size(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Number of people in the household"
    reference = "Section 2 of the Housing Support Act"

    def formula(household: Any, period: Any) -> Any:
        return household.nb_persons()


class benefit_children(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Number of children in the household who count for child benefit"
    reference = "Article 2 of the Child Benefit Act"

    def formula(household: Any, period: Any) -> Any:
        return household.sum(household.members("is_benefit_child", period))


# --- child benefit ---------------------------------------------------------------------------
class child_benefit_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "The household may get child benefit"
    reference = "Articles 2 and 4 of the Child Benefit Act"

    def formula(household: Any, period: Any, parameters: Any) -> Any:
        limit = parameters(period).child_benefit.income_limit
        income_ok = household("household_income", period) <= limit
        return income_ok * (household("benefit_children", period) > 0)


class child_benefit(Variable):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "Child benefit, per month"
    reference = "Article 3 of the Child Benefit Act"

    def formula(household: Any, period: Any, parameters: Any) -> Any:
        per_child = parameters(period).child_benefit.amount_per_child
        children = household("benefit_children", period)
        return household("child_benefit_eligible", period) * children * per_child


# --- housing allowance -----------------------------------------------------------------------
class rent(Variable):
    set_input = set_input_divide_by_period
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "Monthly rent of the home, without charges"
    reference = "Section 4 of the Housing Support Act"


class housing_allowance_income_limit(Variable):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "Income limit of the household for housing allowance"
    reference = "Section 3 of the Housing Support Act"

    def formula(household: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).housing_allowance
        extra = np.maximum(household("household_size", period) - 1, 0)
        return p.income_limit_base + extra * p.income_limit_per_person


class housing_allowance_rent_ceiling(Variable):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "Highest rent taken into account for the household"
    reference = "Section 5 of the Housing Support Act"

    def formula(household: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).housing_allowance
        extra = np.maximum(household("household_size", period) - 1, 0)
        return p.rent_ceiling_base + extra * p.rent_ceiling_per_person


class housing_allowance(Variable):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "Housing allowance, per month"
    reference = "Sections 3 to 7 of the Housing Support Act"

    def formula(household: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).housing_allowance
        income = household("household_income", period)
        counted_rent = np.minimum(
            household("rent", period), household("housing_allowance_rent_ceiling", period)
        )
        amount = np.maximum(counted_rent - p.contribution_rate * income, 0)
        amount = np.round(amount, 2)
        under_limit = income <= household("housing_allowance_income_limit", period)
        return np.where(under_limit * (amount >= p.minimum_payment), amount, 0.0)


# --- municipal property-tax rebate ------------------------------------------------------------
class property_tax(Variable):
    value_type = float
    entity = Household
    definition_period = YEAR
    label = "Property tax of the home for the year"
    reference = "Section 12 of the Local Taxation Act"


class household_yearly_income(Variable):
    value_type = float
    entity = Household
    definition_period = YEAR
    label = "Income of the household over the year"
    reference = "Section 14(1) of the Local Taxation Act"

    def formula(household: Any, period: Any) -> Any:
        return household("household_income", period.first_month) * 12


class property_tax_rebate(Variable):
    value_type = float
    entity = Household
    definition_period = YEAR
    label = "Property tax rebate for the year"
    reference = "Section 14 of the Local Taxation Act"

    def formula(household: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period.start).property_tax_rebate
        rate = p.rate.calc(household("household_yearly_income", period))
        amount = np.round(household("property_tax", period) * rate, 2)
        return np.minimum(amount, p.maximum)


# --- business start-up grant ------------------------------------------------------------------
class BusinessSector(Enum):
    manufacturing = "Manufacturing"
    crafts = "Crafts and trades"
    digital = "Digital services"
    retail = "Retail"
    finance = "Finance and insurance"


class business_sector(Variable):
    set_input = set_input_dispatch_by_period
    value_type = Enum
    possible_values = BusinessSector
    default_value = BusinessSector.finance
    entity = Person
    definition_period = MONTH
    label = "Sector of the person's new business"
    reference = "Annex 1 of the Enterprise Support Decree"


class business_age_months(Variable):
    set_input = set_input_dispatch_by_period
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Months since the person's business was registered"
    reference = "Article 6(1) of the Enterprise Support Decree"


class business_employees(Variable):
    set_input = set_input_dispatch_by_period
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Number of employees of the business"
    reference = "Article 6(2) of the Enterprise Support Decree"


class startup_grant_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "The business may get the start-up grant"
    reference = "Article 6 of the Enterprise Support Decree"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).startup_grant
        sector_ok = p.eligible_sector[person("business_sector", period)]
        young = person("business_age_months", period) <= p.max_business_age
        small = person("business_employees", period) <= p.max_employees
        return sector_ok * young * small


class startup_grant(Variable):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "Business start-up grant (one-off)"
    reference = "Article 8 of the Enterprise Support Decree"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).startup_grant
        amount = p.base_amount + person("business_employees", period) * p.per_employee
        return person("startup_grant_eligible", period) * amount
