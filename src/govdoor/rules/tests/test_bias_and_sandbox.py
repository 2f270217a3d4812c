"""Bias figures on a crafted population, stored reports, and the sandbox's diff."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from govdoor.rules import bias, sandbox, services
from govdoor.rules.tests.conftest import answers, resident
from govdoor.rules.tests.test_decisions import open_case


def crafted() -> list[dict[str, Any]]:
    """100 women (60 approved at 100.00), 100 men (40 approved at 200.00), 20 people with a
    disability (all approved), in two regions; ages 30 or 70."""
    rows: list[dict[str, Any]] = []
    for i in range(100):
        rows.append(
            {
                "sex": "F",
                "age_band": "25-44",
                "region": "North",
                "disability": "no",
                "amount": 100.0 if i < 60 else 0.0,
            }
        )
        rows.append(
            {
                "sex": "M",
                "age_band": "65+" if i < 50 else "25-44",
                "region": "South",
                "disability": "no",
                "amount": 200.0 if i < 40 else 0.0,
            }
        )
    for _ in range(20):
        rows.append(
            {
                "sex": "X",
                "age_band": "25-44",
                "region": "North",
                "disability": "yes",
                "amount": 50.0,
            }
        )
    return rows


def by(rows: list[dict[str, Any]], dimension: str, group: str) -> dict[str, Any]:
    return next(r for r in rows if r["dimension"] == dimension and r["group"] == group)


def test_the_disparate_impact_ratios_of_a_crafted_population_are_the_expected_ones() -> None:
    figures = bias.bias_figures(crafted())
    women, men = by(figures, "sex", "F"), by(figures, "sex", "M")
    # F and M both have 100 people: the reference is the first by name, F (rate 0.60).
    assert women["reference"] == "F" and women["ratio"] == "1.000" and not women["flagged"]
    assert men["approval_rate"] == "0.4000" and men["ratio"] == "0.667" and men["flagged"]
    assert men["average_amount"] == "200.00" and women["average_amount"] == "100.00"
    disabled = by(figures, "disability", "yes")
    # reference "no": 200 people, 100 approved (0.5); "yes": 20 of 20 (1.0) -> 2.0, flagged
    assert disabled["reference"] == "no" and disabled["ratio"] == "2.000" and disabled["flagged"]
    north, south = by(figures, "region", "North"), by(figures, "region", "South")
    # North 120 people, 80 approved (0.6667); South 100, 40 (0.4) -> 0.600
    assert north["reference"] == "North" and south["ratio"] == "0.600"
    young, old = by(figures, "age_band", "25-44"), by(figures, "age_band", "65+")
    # 25-44: 170 people (60 F + 20 X + 40 M... of whom 0 approved M) -> (60 + 20 + 0) / 170
    assert young["count"] == 170 and young["approved"] == 80
    # 65+: the first 50 men, 40 of them approved -> 0.8 / 0.4706 = 1.700
    assert old["approved"] == 40 and old["ratio"] == "1.700" and old["flagged"]


def test_a_group_within_the_band_is_not_flagged() -> None:
    rows = [{"sex": "F", "age_band": "a", "region": "r", "disability": "no", "amount": 1.0}] * 10
    rows += [{"sex": "M", "age_band": "a", "region": "r", "disability": "no", "amount": 1.0}] * 8
    rows += [{"sex": "M", "age_band": "a", "region": "r", "disability": "no", "amount": 0.0}] * 2
    figures = bias.bias_figures(rows)
    assert by(figures, "sex", "M")["ratio"] == "0.800" and not by(figures, "sex", "M")["flagged"]


def test_a_bias_report_is_stored_for_a_release_over_the_population(
    binding: Any, release: Any, country: Any
) -> None:
    from govdoor.identity.models import FamilyLink
    from govdoor.identity.tests.factories import PersonFactory

    for i in range(6):
        parent = resident(country, birth_date=dt.date(1980 + i, 1, 1), sex="F" if i % 2 else "M")
        child = PersonFactory(birth_date=dt.date(2016, 1, 1))
        FamilyLink.objects.create(person=parent, relative=child, kind="parent")
    report = bias.bias_report_create(release=release, binding=binding)
    assert report.population == 6  # the adults; the children are in their households
    sexes = {r["group"] for r in report.rows if r["dimension"] == "sex"}
    assert sexes == {"F", "M"}
    regions = {r["group"] for r in report.rows if r["dimension"] == "region"}
    assert regions == {"North"}


def test_the_sandbox_counts_the_outcomes_a_draft_version_would_change(
    binding: Any, applicant: Any, case_worker: Any, country: Any
) -> None:
    from govdoor.rules.services import decision_for_case_opened

    incomes = [1000, 2300, 3000]  # 2027 draft: limit 2,250 -> the 2,300 household loses it
    for i, income in enumerate(incomes):
        case = open_case(binding.service, applicant, f"sb-{i}", answers(income, ["2019-05-01"]))
        decision = decision_for_case_opened(case_id=case.pk)
        if decision.status == "pending_review":
            services.decision_review(
                decision=decision,
                user=case_worker,
                organisation=country["social"],
                confirm=True,
                reason="checked",
            )
    draft = services.release_register(
        package="demoland", version="2027.1", effective_from=dt.date(2027, 1, 1)
    )
    run = sandbox.sandbox_run(release=draft, service=binding.service, limit=10)
    assert run.compared == 3 and run.changed == 2 and run.period == "2027-01"
    totals = run.results["totals"]
    assert totals["lost"] == 1 and totals["increased"] == 1  # 120.00 -> 130.00
    assert Decimal(totals["total_delta"]) == Decimal("-110.00")
    sex = [g for g in run.results["by_group"] if g["dimension"] == "sex"]
    assert sex and sex[0]["changed"] == 2
