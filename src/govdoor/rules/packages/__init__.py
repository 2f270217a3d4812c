"""Rule packages: the law as code, one OpenFisca tax-benefit system per package version.

Why a registry: a service is bound to a package by its id ("demoland"), and the back office
lists what is available. Each package names its versions; a version is an immutable
tax-benefit system (a later version is an OpenFisca reform of the base legislation), so a
decision made with "2026.1" can be replayed with exactly "2026.1" years later.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from govdoor.core.registry import Registry


@dataclass(frozen=True)
class Explanation:
    """One plain-language sentence: shown when `when(values)` holds, with `{name}` slots
    filled from the trace (variables and parameters) and `{ref:name}` from legal references."""

    when: Callable[[dict[str, Any]], bool]
    en: str
    fr: str


@dataclass
class RulePackage:
    """A package: its versions (oldest first) and how to build each version's system."""

    code: str
    title: str
    builders: dict[str, Callable[[], TaxBenefitSystem]]
    # variable -> sentences explaining it, tried in order; every matching one is used
    explanations: dict[str, list[Explanation]] = field(default_factory=dict)
    # variable -> inputs a calculation of it cannot do without
    required_inputs: dict[str, list[str]] = field(default_factory=dict)

    @property
    def versions(self) -> list[str]:
        return list(self.builders)

    @property
    def latest(self) -> str:
        return self.versions[-1]

    def system(self, version: str) -> TaxBenefitSystem:
        return _system(self.code, version)


rule_packages: Registry[RulePackage] = Registry("rule packages")


@functools.cache
def _system(code: str, version: str) -> TaxBenefitSystem:
    package = rule_packages.get(code)
    try:
        builder = package.builders[version]
    except KeyError:
        raise LookupError(f"rule package {code!r} has no version {version!r}") from None
    return builder()


def load_all() -> None:
    """Import the packages shipped here (each registers itself)."""
    from govdoor.rules.packages import demoland  # noqa: F401
