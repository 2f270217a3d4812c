"""The regulatory sandbox: a candidate version in shadow mode over the last decided cases.

Each decided case with a rule decision is computed again with the candidate version, for
the month the candidate would start deciding (its release's `effective_from`), from the
same situation the decision stored. Nothing is decided or sent: the run records how many
outcomes would change, for whom (by sex, age band and region of the applicant) and by how
much, so a person can judge before switching the version on.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.errors import DomainError
from govdoor.rules import engine, selectors
from govdoor.rules.bias import age_band
from govdoor.rules.models import Decision, RulePackageRelease, SandboxRun
from govdoor.rules.population import age_on

MAX_CASES = 5000


def _shift(situation: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """The same situation, with every period `old` (and its year) moved to `new`."""

    def move(period: str) -> str:
        if period == old:
            return new
        if period == old[:4]:
            return new[:4]
        return period

    out: dict[str, Any] = {}
    for plural, members in situation.items():
        out[plural] = {}
        for entity_id, attrs in members.items():
            out[plural][entity_id] = {
                k: ({move(p): v for p, v in val.items()} if isinstance(val, dict) else val)
                for k, val in attrs.items()
            }
    return out


def _group_of(case: Any) -> dict[str, str]:
    person = getattr(case, "applicant", None)
    if person is None:
        return {"sex": "business", "age_band": "business", "region": "business"}
    from govdoor.catalogue.selectors import person_municipality

    municipality = person_municipality(person)
    region = getattr(getattr(municipality, "parent", None), "name", "") or "unknown"
    return {
        "sex": person.sex,
        "age_band": age_band(age_on(person.birth_date, clock.today())),
        "region": region,
    }


@transaction.atomic
def sandbox_run(
    *, release: RulePackageRelease, service: Any, limit: int = 200, run_by: Any = None
) -> SandboxRun:
    from govdoor.cases.selectors import cases_decided

    if not 1 <= limit <= MAX_CASES:
        raise DomainError(
            _("Choose between 1 and %(max)s cases.") % {"max": MAX_CASES}, field="limit"
        )
    binding = selectors.binding_for_service(service)
    if binding is None or binding.package != release.package:
        raise DomainError(_("This service is not decided by that package."), field="service")
    package = engine.package_get(release.package)
    period = engine.month_of(release.effective_from)
    if binding.period == "year":
        period = period[:4]
    cases = list(cases_decided(service=service, limit=limit).select_related("applicant"))
    decisions = {
        d.case_id: d
        for d in Decision.objects.filter(case_id__in=[c.pk for c in cases]).exclude(
            status=Decision.Status.ERROR
        )
    }
    changes, by_group = _compare(package, release.version, period, cases, decisions)
    compared = sum(1 for c in cases if c.pk in decisions)
    changed = [c for c in changes if c["changed"]]
    totals = {
        "gained": sum(1 for c in changed if c["old"] == 0),
        "lost": sum(1 for c in changed if c["new"] == 0),
        "increased": sum(1 for c in changed if 0 < c["old"] < c["new"]),
        "decreased": sum(1 for c in changed if 0 < c["new"] < c["old"]),
        "total_delta": str(sum((Decimal(c["delta"]) for c in changed), Decimal("0.00"))),
    }
    return SandboxRun.objects.create(
        release=release,
        service_code=service.code,
        period=period,
        compared=compared,
        changed=len(changed),
        results={"totals": totals, "by_group": by_group, "changes": changed[:500]},
        run_by=run_by,
        created_at=clock.now(),
    )


def _compare(
    package: Any, version: str, period: str, cases: list[Any], decisions: dict[Any, Decision]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    changes: list[dict[str, Any]] = []
    groups: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"compared": 0, "changed": 0, "delta": Decimal("0.00")}
    )
    for case in cases:
        decision = decisions.get(case.pk)
        if decision is None:
            continue
        situation = _shift(decision.situation, decision.period, period)
        calculation = engine.calculate(
            package=package, version=version, situation=situation, period=period, trace=False
        )
        new = engine.money(_first(calculation.values, decision.variable))
        old = engine.money(decision.outputs.get(decision.variable) or 0)
        delta = new - old
        row = {
            "case": decision.case_reference,
            "old": float(old),
            "new": float(new),
            "delta": str(delta),
            "changed": delta != 0,
        }
        changes.append(row)
        for dimension, group in _group_of(case).items():
            g = groups[(dimension, group)]
            g["compared"] += 1
            g["changed"] += int(delta != 0)
            g["delta"] += delta
    by_group = [
        {"dimension": d, "group": g, **{k: (str(v) if k == "delta" else v) for k, v in s.items()}}
        for (d, g), s in sorted(groups.items())
    ]
    return changes, by_group


def _first(values: dict[str, Any], variable: str) -> Any:
    for entities in values.values():
        for attrs in entities.values():
            if variable in attrs:
                return next(iter(attrs[variable].values()))
    return 0
