"""Reads of the rules domain: releases in force, bindings, decisions and their explanations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.errors import NotFound
from govdoor.core.ids import uuid_or_none
from govdoor.rules.models import (
    BiasReport,
    Decision,
    Offer,
    RulePackageRelease,
    SandboxRun,
    Scan,
    ServiceRuleBinding,
)


def release_in_force(*, package: str, on: dt.date | None = None) -> RulePackageRelease | None:
    """The active release of `package` with the latest start date on or before `on`."""
    return (
        RulePackageRelease.objects.filter(
            package=package,
            status=RulePackageRelease.Status.ACTIVE,
            effective_from__lte=on or clock.today(),
        )
        .order_by("-effective_from")
        .first()
    )


def releases_list() -> QuerySet[RulePackageRelease]:
    return RulePackageRelease.objects.order_by("package", "-effective_from")


def release_get(release_id: Any) -> RulePackageRelease:
    pk = uuid_or_none(release_id)
    release = RulePackageRelease.objects.filter(pk=pk).first() if pk else None
    if release is None:
        raise NotFound(_("No such release."))
    return release


def binding_for_service(service: Any) -> ServiceRuleBinding | None:
    return (
        ServiceRuleBinding.objects.select_related("service", "service__owner")
        .filter(service=service, is_active=True)
        .first()
    )


def binding_for_code(code: str) -> ServiceRuleBinding | None:
    """The binding of a service by code, or of the first service of that kind."""
    return (
        ServiceRuleBinding.objects.select_related("service", "service__owner")
        .filter(Q(service__code=code) | Q(service__kind=code), is_active=True)
        .order_by("service__code")
        .first()
    )


def bindings_list() -> QuerySet[ServiceRuleBinding]:
    return ServiceRuleBinding.objects.select_related("service", "service__owner").order_by(
        "service__code"
    )


def decision_for_case(*, case_id: Any) -> Decision | None:
    """The newest rule decision of a case (an appeal's page asks for its parent's)."""
    pk = uuid_or_none(case_id)
    if pk is None:
        return None
    return Decision.objects.filter(case_id=pk).order_by("-created_at").first()


def decision_get(decision_id: Any) -> Decision:
    pk = uuid_or_none(decision_id)
    decision = Decision.objects.filter(pk=pk).first() if pk else None
    if decision is None:
        raise NotFound(_("No such decision."))
    return decision


def decision_get_or_none(decision_id: Any) -> Decision | None:
    pk = uuid_or_none(decision_id)
    return Decision.objects.filter(pk=pk).first() if pk else None


def decision_for_organisation(*, organisation: Any, decision_id: Any) -> Decision:
    pk = uuid_or_none(decision_id)
    decision = Decision.objects.filter(pk=pk, organisation=organisation).first() if pk else None
    if decision is None:
        raise NotFound(_("No such decision."))
    return decision


def reviews_pending(*, organisation: Any) -> QuerySet[Decision]:
    return Decision.objects.filter(
        organisation=organisation,
        status__in=[Decision.Status.PENDING_REVIEW, Decision.Status.ERROR],
    ).order_by("created_at", "id")


def decisions_reviewed(*, organisation: Any) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(
            organisation=organisation,
            status__in=[Decision.Status.CONFIRMED, Decision.Status.OVERRIDDEN],
        )
        .select_related("reviewed_by")
        .order_by("-reviewed_at", "-id")
    )


def decision_explanation(*, decision: Decision, language: str) -> list[str]:
    """Plain-language sentences for the person (and the case worker), from the trace."""
    from govdoor.rules import explain
    from govdoor.rules.packages import rule_packages

    if decision.status == Decision.Status.ERROR or decision.package not in rule_packages:
        fr = language == "fr"
        return [
            "La règle n'a pas pu être appliquée : un agent examine votre demande."
            if fr
            else "The rule could not be applied: a case worker is looking at your application."
        ]
    sentences = explain.explanation_sentences(
        package=rule_packages.get(decision.package),
        version=decision.version,
        variable=decision.variable,
        trace=decision.trace.get("nodes", []),
        language=language,
    )
    if decision.status == Decision.Status.OVERRIDDEN and decision.review_reason:
        lead = (
            "Un agent a modifié le résultat : "
            if language == "fr"
            else ("A case worker changed the result: ")
        )
        sentences.append(lead + decision.review_reason)
    return sentences


def bias_reports_list() -> QuerySet[BiasReport]:
    return BiasReport.objects.select_related("release").order_by("-created_at", "-id")


def bias_report_get(report_id: Any) -> BiasReport:
    pk = uuid_or_none(report_id)
    report = bias_reports_list().filter(pk=pk).first() if pk else None
    if report is None:
        raise NotFound(_("No such bias report."))
    return report


def sandbox_runs_list() -> QuerySet[SandboxRun]:
    return SandboxRun.objects.select_related("release").order_by("-created_at", "-id")


def sandbox_run_get(run_id: Any) -> SandboxRun:
    pk = uuid_or_none(run_id)
    run = sandbox_runs_list().filter(pk=pk).first() if pk else None
    if run is None:
        raise NotFound(_("No such sandbox run."))
    return run


def scans_list() -> QuerySet[Scan]:
    return Scan.objects.order_by("-started_at", "-id")


def offers_of_person(*, person_id: Any) -> QuerySet[Offer]:
    return Offer.objects.filter(person_id=person_id).order_by("-created_at", "-id")
