"""Bias reports: how a release's outcomes fall across groups of the population.

For each dimension (sex, age band, region, disability) and each group: how many, how many
approved (amount > 0), the approval rate, the average approved amount, and the
disparate-impact ratio of the group's approval rate to the reference group's. The reference
group is the largest group of the dimension (ties: the first by name), the usual choice when
no group is designated as advantaged. A ratio outside 0.8-1.25 (the "four-fifths rule" and
its inverse) is flagged for a person to look at; it is a signal, not a verdict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from govdoor.core import clock
from govdoor.rules import engine
from govdoor.rules.batch import batch_calculate
from govdoor.rules.models import BiasReport, RulePackageRelease

LOW, HIGH = Decimal("0.8"), Decimal("1.25")
DIMENSIONS = ("sex", "age_band", "region", "disability")
CSV_COLUMNS = [
    "dimension",
    "group",
    "count",
    "approved",
    "approval_rate",
    "average_amount",
    "ratio",
    "reference",
    "flagged",
]
METHOD = (
    "Outcomes of the release over the demo population: one household per adult (the adult "
    "and the children they are registered as parent of), finances from the demo source. "
    "Approval: amount above zero. Ratio: the group's approval rate divided by the largest "
    "group's; flagged outside 0.8-1.25."
)


def age_band(age: int) -> str:
    for limit, band in ((25, "18-24"), (45, "25-44"), (65, "45-64")):
        if age < limit:
            return band
    return "65+"


def _rate(approved: int, count: int) -> Decimal:
    return (Decimal(approved) / Decimal(count)).quantize(Decimal("0.0001")) if count else Decimal(0)


def bias_figures(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows`: one per person with the DIMENSIONS and `amount`; returns one row per group."""
    out: list[dict[str, Any]] = []
    for dimension in DIMENSIONS:
        groups: dict[str, list[float]] = defaultdict(list)
        for row in rows:
            groups[str(row[dimension])].append(float(row["amount"]))
        if not groups:
            continue
        reference = sorted(groups, key=lambda g: (-len(groups[g]), g))[0]
        ref_amounts = groups[reference]
        ref_rate = _rate(sum(1 for a in ref_amounts if a > 0), len(ref_amounts))
        for group in sorted(groups):
            amounts = groups[group]
            approved = [a for a in amounts if a > 0]
            rate = _rate(len(approved), len(amounts))
            ratio = (rate / ref_rate).quantize(Decimal("0.001")) if ref_rate else None
            average = engine.money(sum(approved) / len(approved)) if approved else Decimal("0.00")
            out.append(
                {
                    "dimension": dimension,
                    "group": group,
                    "count": len(amounts),
                    "approved": len(approved),
                    "approval_rate": str(rate),
                    "average_amount": str(average),
                    "ratio": str(ratio) if ratio is not None else "",
                    "reference": reference,
                    "flagged": ratio is not None and not (LOW <= ratio <= HIGH),
                }
            )
    return out


def population_rows(
    *, system: Any, variable: str, period: str, people: Any
) -> list[dict[str, Any]]:
    amounts = batch_calculate(system, variable, period, people.batch)
    return [
        {
            "sex": people.sex[i],
            "age_band": age_band(people.age[i]),
            "region": people.region[i],
            "disability": "yes" if people.disability[i] else "no",
            "amount": float(amounts[i]),
        }
        for i in range(len(people.ids))
        if people.age[i] >= 18
    ]


@transaction.atomic
def bias_report_create(
    *, release: RulePackageRelease, binding: Any, period: str | None = None, limit: int = 200_000
) -> BiasReport:
    """Compute and store the report of `release` for the service of `binding`."""
    from govdoor.identity.models import Person
    from govdoor.rules.population import people_households

    day = clock.today()
    period = period or engine.month_of(max(day, release.effective_from))
    package = engine.package_get(release.package)
    system = engine.system_get(package, release.version)
    ids = list(
        Person.objects.filter(deceased_on__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    people = people_households(ids, on=day)
    rows = population_rows(system=system, variable=binding.variable, period=period, people=people)
    return BiasReport.objects.create(
        release=release,
        service_code=binding.service.code,
        variable=binding.variable,
        period=period,
        population=len(rows),
        rows=bias_figures(rows),
        method=METHOD,
        created_at=clock.now(),
    )
