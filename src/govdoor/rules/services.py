"""Writes of the rules domain: releases, bindings, decisions for cases, reviews and replay.

Oversight: a computed approval is decided without a person only when the service's binding
allows approvals of that amount; a computed refusal only when the binding says so explicitly
(`auto_refuse`, off by default). Everything else, and every rule that fails, goes to a case
worker's review queue with the explanation: a rule error never becomes a refusal.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.errors import Conflict, DomainError, Refused
from govdoor.rules import engine, selectors
from govdoor.rules.models import Decision, RulePackageRelease, ServiceRuleBinding
from govdoor.rules.packages import rule_packages
from govdoor.rules.situation import period_for, situation_for_case

log = logging.getLogger(__name__)
TOLERANCE = Decimal("0.005")


# --- releases and bindings ---------------------------------------------------------------------
@transaction.atomic
def release_register(
    *, package: str, version: str, effective_from: dt.date, status: str = "shadow", notes: str = ""
) -> RulePackageRelease:
    """Record a release of a registered package version (idempotent on package + version)."""
    rule_package = engine.package_get(package)
    if version not in rule_package.versions:
        raise DomainError(_("This package has no such version."), field="version")
    if status not in RulePackageRelease.Status.values:
        raise DomainError(_("Unknown release status."), field="status")
    release, _created = RulePackageRelease.objects.get_or_create(
        package=package,
        version=version,
        defaults={"effective_from": effective_from, "status": status, "notes": notes},
    )
    return release


@transaction.atomic
def release_activate(*, release: RulePackageRelease, effective_from: dt.date) -> RulePackageRelease:
    """Switch a version on from a start date; decisions before that date keep the old one."""
    if release.status == RulePackageRelease.Status.RETIRED:
        raise Conflict(_("A retired release cannot be switched on again."), field="status")
    release.effective_from = effective_from
    release.status = RulePackageRelease.Status.ACTIVE
    release.save(update_fields=["effective_from", "status"])
    return release


@transaction.atomic
def binding_save(
    *,
    service: Any,
    package: str,
    variable: str,
    period: str = "month",
    input_mapping: dict[str, Any] | None = None,
    outputs: list[str] | None = None,
    auto_approve_max: Decimal | None = None,
    auto_refuse: bool = False,
    review_all: bool = False,
) -> ServiceRuleBinding:
    rule_package = engine.package_get(package)
    system = rule_package.system(rule_package.latest)
    for name in [variable, *(outputs or [])]:
        if name not in system.variables:
            raise DomainError(_("Unknown variable %(v)s.") % {"v": name}, field="variable")
    if period not in ServiceRuleBinding.Period.values:
        raise DomainError(_("Unknown period."), field="period")
    binding, _created = ServiceRuleBinding.objects.update_or_create(
        service=service,
        defaults={
            "package": package,
            "variable": variable,
            "period": period,
            "input_mapping": input_mapping or {},
            "outputs": outputs or [],
            "auto_approve_max": auto_approve_max,
            "auto_refuse": auto_refuse,
            "review_all": review_all,
            "is_active": True,
        },
    )
    return binding


# --- oversight ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    automated: bool
    reason: str


def oversight(binding: ServiceRuleBinding, outcome: str, amount: Decimal | None) -> Verdict:
    """May this result be decided without a person? Refusals: only if explicitly allowed."""
    if outcome == Decision.Outcome.ERROR:
        return Verdict(False, "the rule could not be applied")
    if binding.review_all:
        return Verdict(False, "the service's policy: every decision is reviewed")
    if outcome == Decision.Outcome.REFUSED:
        if binding.auto_refuse:
            return Verdict(True, "the service's policy allows automatic refusals")
        return Verdict(False, "refusals are always reviewed by a person")
    if binding.auto_approve_max is None:
        return Verdict(False, "the service's policy: approvals are reviewed")
    if amount is not None and amount <= binding.auto_approve_max:
        return Verdict(True, f"approvals up to {binding.auto_approve_max} are automatic")
    return Verdict(False, f"amount above {binding.auto_approve_max}: reviewed by a person")


# --- decisions for cases -----------------------------------------------------------------------
def _case_day(case: Any) -> dt.date:
    opened = getattr(case, "opened_at", None)
    return opened.date() if opened else clock.today()


def _version_for(binding: ServiceRuleBinding, day: dt.date) -> str:
    release = selectors.release_in_force(package=binding.package, on=day)
    if release is None:
        raise DomainError(_("No release of the rule package is in force."), field="release")
    return release.version


def _value_of(calculation: engine.Calculation, variable: str) -> Any:
    for entities in calculation.values.values():
        for attrs in entities.values():
            if variable in attrs:
                return next(iter(attrs[variable].values()))
    raise DomainError(
        _("%(variable)s was not calculated.") % {"variable": variable}, field="variable"
    )


def decision_compute(*, case: Any, binding: ServiceRuleBinding) -> Decision:
    """Compute the bound variable for a case and store the decision (status not yet set to
    the final one). A failing rule is stored as an error decision, with what went wrong."""
    day = _case_day(case)
    period = period_for("year" if binding.period == "year" else "month", day)
    decision = Decision(
        case_id=case.pk,
        case_reference=getattr(case, "reference", "")[:20],
        service_code=case.service.code,
        organisation=case.organisation,
        package=binding.package,
        variable=binding.variable,
        period=period,
        created_at=clock.now(),
        status=Decision.Status.ERROR,
        outcome=Decision.Outcome.ERROR,
        version="",
    )
    try:
        package = engine.package_get(binding.package)
        decision.version = _version_for(binding, day)
        system = package.system(decision.version)
        entity = system.variables[binding.variable].entity.key
        built = situation_for_case(
            case=case,
            mapping=binding.input_mapping,
            variable=binding.variable,
            entity=entity,
            period=period,
            day=day,
        )
        _fill_from_calculation(decision, package, built.situation, binding.outputs)
        decision.inputs = built.inputs
    except Exception as exc:  # a rule that raises goes to review, never to a refusal
        log.warning("rule failed", extra={"case_id": str(case.pk), "error": type(exc).__name__})
        decision.error = f"{type(exc).__name__}: {getattr(exc, 'detail', exc)}"[:2000]
    decision.save()
    return decision


def _fill_from_calculation(
    decision: Decision, package: Any, situation: dict[str, Any], outputs: list[str]
) -> None:
    calculation = engine.calculate(
        package=package, version=decision.version, situation=situation, period=decision.period
    )
    value = _value_of(calculation, decision.variable)
    decision.situation = situation
    decision.outputs = {decision.variable: value}
    decision.trace = {"nodes": calculation.trace}
    for name in outputs:
        for node in engine.trace_walk(calculation.trace):
            if node["name"] == name and node["value"]:
                decision.outputs[name] = node["value"][0]
                break
    granted = bool(value) if isinstance(value, bool) else float(value) > 0
    if not isinstance(value, bool):
        decision.amount = engine.money(value)
    decision.outcome = Decision.Outcome.GRANTED if granted else Decision.Outcome.REFUSED


def decision_reason(decision: Decision, language: str) -> str:
    sentences = selectors.decision_explanation(decision=decision, language=language)
    return " ".join(sentences) or _("Decided with rule package %(p)s %(v)s.") % {
        "p": decision.package,
        "v": decision.version,
    }


@transaction.atomic
def decision_for_case_opened(*, case_id: Any) -> Decision | None:
    """The "cases.case_opened" consumer: compute, then decide or ask for review."""
    from govdoor.cases import selectors as cases_selectors

    existing = selectors.decision_for_case(case_id=case_id)
    if existing is not None:
        return existing  # an event delivered again changes nothing
    case = cases_selectors.case_get(case_id)
    binding = selectors.binding_for_service(case.service)
    if binding is None or case.status == "triage":
        return None
    decision = decision_compute(case=case, binding=binding)
    verdict = oversight(binding, decision.outcome, decision.amount)
    _hand_over(case, decision, verdict)
    return decision


def _hand_over(case: Any, decision: Decision, verdict: Verdict) -> None:
    from govdoor.cases import services as cases_services

    language = getattr(getattr(case, "applicant", None), "language", "") or "en"
    if verdict.automated:
        decision.status = Decision.Status.AUTOMATED
        decision.final_outcome, decision.final_amount = decision.outcome, decision.amount
        decision.save(update_fields=["status", "final_outcome", "final_amount"])
        cases_services.case_decide(
            case=case,
            outcome=decision.outcome,
            reason=decision_reason(decision, language),
            decided_by=None,
            automated=True,
            decision_ref=str(decision.pk),
        )
        return
    if decision.outcome != Decision.Outcome.ERROR:
        decision.status = Decision.Status.PENDING_REVIEW
        decision.save(update_fields=["status"])
    note = (
        f"Rule error, review needed: {decision.error}"
        if decision.status == Decision.Status.ERROR
        else f"Rule result {decision.outcome} ({decision.amount}); review: {verdict.reason}."
    )
    cases_services.case_review_request(case=case, note=note[:1000], decision_ref=str(decision.pk))


# --- review ------------------------------------------------------------------------------------
@transaction.atomic
def decision_review(
    *,
    decision: Decision,
    user: Any,
    organisation: Any,
    confirm: bool,
    reason: str,
    outcome: str = "",
    amount: Decimal | None = None,
) -> Decision:
    """A case worker confirms the computed result or overrides it; the reason is recorded
    and the case is decided by that person."""
    from govdoor.cases import selectors as cases_selectors
    from govdoor.cases import services as cases_services
    from govdoor.organisations.selectors import user_has_role

    case = cases_selectors.case_for_staff(
        user=user, organisation=organisation, case_id=decision.case_id
    )
    if not user_has_role(user, organisation, "case_worker"):
        raise Refused(_("Only a case worker of this organisation can review."))
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.status not in (Decision.Status.PENDING_REVIEW, Decision.Status.ERROR):
        raise Conflict(_("This decision has already been reviewed."), field="decision")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for your decision."), field="reason")
    if confirm and locked.status == Decision.Status.ERROR:
        raise DomainError(_("The rule gave no result: choose the outcome."), field="outcome")
    if not confirm and outcome not in ("granted", "refused", "partly_granted"):
        raise DomainError(_("Choose granted, refused or partly granted."), field="outcome")
    locked.final_outcome = locked.outcome if confirm else outcome
    locked.final_amount = locked.amount if confirm else amount
    locked.status = Decision.Status.CONFIRMED if confirm else Decision.Status.OVERRIDDEN
    locked.review_reason = reason[:2000]
    locked.reviewed_by, locked.reviewed_at = user, clock.now()
    locked.save()
    language = getattr(case.applicant, "language", "") or "en"
    explanation = decision_reason(locked, language) if confirm else reason
    cases_services.case_decide(
        case=case,
        outcome=locked.final_outcome,
        reason=explanation if confirm else reason,
        decided_by=user,
        automated=False,
        decision_ref=str(locked.pk),
    )
    return locked


# --- replay ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Replay:
    matches: bool
    original: Any
    replayed: Any
    version: str


def decision_replay(decision: Decision) -> Replay:
    """Recompute a decision with its own package version and situation."""
    if decision.status == Decision.Status.ERROR or not decision.situation:
        raise Conflict(_("A decision without a result cannot be replayed."), field="decision")
    if decision.package not in rule_packages:
        raise Conflict(_("The rule package is no longer installed."), field="package")
    calculation = engine.calculate(
        package=engine.package_get(decision.package),
        version=decision.version,
        situation=decision.situation,
        period=decision.period,
    )
    replayed = _value_of(calculation, decision.variable)
    original = decision.outputs.get(decision.variable)
    if isinstance(original, bool) or isinstance(replayed, bool):
        matches = original == replayed
    else:
        matches = abs(engine.money(original) - engine.money(replayed)) < TOLERANCE
    same_trace = calculation.trace == decision.trace.get("nodes")
    return Replay(matches and same_trace, original, replayed, decision.version)
