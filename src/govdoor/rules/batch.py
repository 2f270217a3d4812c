"""Vectorised calculation: one OpenFisca simulation for a whole batch of households.

Why not one simulation per person: OpenFisca computes on numpy arrays, so a million
households cost about as much as a few dozen simulations of one. The batch is described by
flat arrays (persons point at their household by index), never by a dict per person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem


@dataclass
class HouseholdBatch:
    """Households 0..n-1; persons point at theirs by index; the first person is the adult."""

    person_household: np.ndarray  # int, one per person
    person_age: np.ndarray  # int, one per person
    person_is_child: np.ndarray  # bool, one per person
    household_inputs: dict[str, np.ndarray] = field(default_factory=dict)  # one per household
    person_inputs: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def households(self) -> int:
        return int(self.person_household.max()) + 1 if len(self.person_household) else 0


def batch_calculate(
    system: TaxBenefitSystem, variable: str, period: str, batch: HouseholdBatch
) -> np.ndarray:
    """The value of `variable` for each household (or person, for a person variable)."""
    n_households = batch.households
    if n_households == 0:
        return np.zeros(0)
    builder = SimulationBuilder()
    builder.create_entities(system)
    n_persons = len(batch.person_household)
    builder.declare_person_entity("person", np.arange(n_persons))
    households = builder.declare_entity("household", np.arange(n_households))
    roles = np.where(batch.person_is_child, "child", "adult")
    builder.join_with_persons(households, batch.person_household, roles)
    simulation = builder.build(system)
    simulation.set_input("age", period, batch.person_age)
    for name, values in batch.household_inputs.items():
        simulation.set_input(name, _period_for(system, name, period), values)
    for name, values in batch.person_inputs.items():
        simulation.set_input(name, _period_for(system, name, period), values)
    result: Any = simulation.calculate(variable, _period_for(system, variable, period))
    return np.asarray(result)


def _period_for(system: TaxBenefitSystem, name: str, period: str) -> str:
    unit = str(system.variables[name].definition_period)
    return period[:4] if unit == "year" else period
