"""Decisions for cases: inputs with sources, trace, explanation, oversight, review, replay."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from govdoor.cases import services as cases_services
from govdoor.core import clock
from govdoor.core import services as outbox
from govdoor.core.errors import Conflict, DomainError, NotFound
from govdoor.core.models import EventDelivery
from govdoor.rules import selectors, services
from govdoor.rules.models import Decision
from govdoor.rules.tests.conftest import answers

MARCH = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def open_case(service: Any, applicant: Any, ref: str, case_answers: dict[str, Any]) -> Any:
    with clock.frozen_at(MARCH):
        return cases_services.case_open(
            service=service,
            applicant=applicant,
            opened_by=None,
            source="application",
            source_ref=ref,
            answers=case_answers,
        )


def relay() -> None:
    """Deliver the outbox as the Celery relay would, to the rules consumer only."""
    outbox.outbox_relay(dispatch=lambda _pk: None)
    for pk in EventDelivery.objects.filter(consumer="rules.decide-opened-case").values_list(
        "pk", flat=True
    ):
        outbox.event_delivery_run(delivery_id=pk)


def test_an_opened_case_is_decided_automatically_when_the_approval_is_small(
    binding: Any, applicant: Any
) -> None:
    case = open_case(
        binding.service, applicant, "app-1", answers(1850, ["2019-05-01"], register_income=True)
    )
    relay()
    decision = selectors.decision_for_case(case_id=case.pk)
    assert decision is not None
    assert decision.status == Decision.Status.AUTOMATED
    assert decision.amount == Decimal("120.00")
    assert decision.version == "2026.1" and decision.period == "2026-03"
    assert decision.inputs["household_income"]["source"] == {
        "register": "tax-income",
        "version": 3,
        "field": "monthly_income",
    }
    assert decision.inputs["age"]["source"]["register"] == "population"
    assert decision.inputs["children"] == {"value": [6], "source": {"declared": True}}
    case.refresh_from_db()
    assert case.status == "decided" and case.outcome == "granted" and case.automated
    assert case.decision_ref == str(decision.pk)
    assert "1,850.00 is below the limit 2,400.00" in case.decision_reason


def test_a_delivered_again_event_makes_no_second_decision(binding: Any, applicant: Any) -> None:
    case = open_case(binding.service, applicant, "app-2", answers(1850, ["2019-05-01"]))
    first = services.decision_for_case_opened(case_id=case.pk)
    again = services.decision_for_case_opened(case_id=case.pk)
    assert first is not None and again is not None and first.pk == again.pk
    assert Decision.objects.filter(case_id=case.pk).count() == 1


def test_a_computed_refusal_goes_to_review_by_default(binding: Any, applicant: Any) -> None:
    case = open_case(binding.service, applicant, "app-3", answers(3100, ["2019-05-01"]))
    decision = services.decision_for_case_opened(case_id=case.pk)
    assert decision is not None
    assert decision.outcome == "refused" and decision.status == "pending_review"
    case.refresh_from_db()
    assert case.status == "in_review" and case.needs_review and case.outcome == ""
    assert "refusals are always reviewed" in case.review_note


def test_a_refusal_is_automated_only_when_the_policy_says_so(binding: Any, applicant: Any) -> None:
    assert not services.oversight(binding, "refused", Decimal("0")).automated
    binding.auto_refuse = True
    assert services.oversight(binding, "refused", Decimal("0")).automated
    binding.review_all = True
    assert not services.oversight(binding, "refused", Decimal("0")).automated


def test_an_approval_above_the_policy_amount_is_reviewed(binding: Any) -> None:
    assert services.oversight(binding, "granted", Decimal("500.00")).automated
    assert not services.oversight(binding, "granted", Decimal("500.01")).automated
    binding.auto_approve_max = None
    assert not services.oversight(binding, "granted", Decimal("1.00")).automated


def test_a_new_binding_refuses_nothing_automatically(child_benefit: Any) -> None:
    binding = services.binding_save(
        service=child_benefit, package="demoland", variable="child_benefit"
    )
    assert binding.auto_refuse is False
    assert not services.oversight(binding, "refused", Decimal("0")).automated


def test_a_rule_that_fails_sends_the_case_to_review_with_the_error(
    binding: Any, applicant: Any
) -> None:
    case = open_case(binding.service, applicant, "app-4", answers("a lot", ["2019-05-01"]))
    decision = services.decision_for_case_opened(case_id=case.pk)
    assert decision is not None
    assert decision.status == "error" and decision.outcome == "error"
    assert "household_income" in decision.error
    case.refresh_from_db()
    assert case.status == "in_review" and case.outcome == ""
    assert "Rule error" in case.review_note


def test_a_missing_answer_is_a_rule_error_not_a_refusal(binding: Any, applicant: Any) -> None:
    case = open_case(
        binding.service,
        applicant,
        "app-5",
        {"household_income": {"value": 1000, "source": {"declared": True}}},
    )
    decision = services.decision_for_case_opened(case_id=case.pk)
    assert decision is not None and decision.status == "error"
    assert "children_birth_dates" in decision.error


def test_a_service_without_a_rule_is_left_alone(country: Any, applicant: Any) -> None:
    from govdoor.catalogue.tests.factories import ServiceFactory

    service = ServiceFactory(code="passport", owner=country["social"])
    case = open_case(service, applicant, "app-6", {})
    assert services.decision_for_case_opened(case_id=case.pk) is None


def test_the_reviewer_confirms_with_a_reason_and_the_case_is_decided_by_them(
    binding: Any, applicant: Any, case_worker: Any, country: Any
) -> None:
    case = open_case(binding.service, applicant, "app-7", answers(3100, ["2019-05-01"]))
    decision = services.decision_for_case_opened(case_id=case.pk)
    reviewed = services.decision_review(
        decision=decision,
        user=case_worker,
        organisation=country["social"],
        confirm=True,
        reason="Income checked against the payslips.",
    )
    assert reviewed.status == "confirmed" and reviewed.reviewed_by == case_worker
    case.refresh_from_db()
    assert case.outcome == "refused" and not case.automated and case.decided_by == case_worker
    with pytest.raises(Conflict):
        services.decision_review(
            decision=reviewed,
            user=case_worker,
            organisation=country["social"],
            confirm=True,
            reason="again",
        )


def test_an_override_needs_an_outcome_and_a_reason(
    binding: Any, applicant: Any, case_worker: Any, country: Any
) -> None:
    case = open_case(binding.service, applicant, "app-8", answers("oops", ["2019-05-01"]))
    decision = services.decision_for_case_opened(case_id=case.pk)
    kwargs = dict(decision=decision, user=case_worker, organisation=country["social"])
    with pytest.raises(DomainError) as no_reason:
        services.decision_review(**kwargs, confirm=False, outcome="granted", reason=" ")
    assert no_reason.value.field == "reason"
    with pytest.raises(DomainError) as confirm_error:
        services.decision_review(**kwargs, confirm=True, reason="fine")
    assert confirm_error.value.field == "outcome"
    done = services.decision_review(
        **kwargs, confirm=False, outcome="granted", amount=Decimal("120"), reason="Payslip: 1,900"
    )
    assert done.status == "overridden" and done.final_outcome == "granted"
    assert "Payslip: 1,900" in selectors.decision_explanation(decision=done, language="en")[-1]


def test_another_organisations_case_worker_cannot_review(
    binding: Any, applicant: Any, country: Any
) -> None:
    from govdoor.organisations.tests.factories import StaffRoleFactory, UserFactory

    case = open_case(binding.service, applicant, "app-9", answers(3100, ["2019-05-01"]))
    decision = services.decision_for_case_opened(case_id=case.pk)
    outsider = UserFactory(username="cw-tax")
    StaffRoleFactory(user=outsider, organisation=country["tax"], role="case_worker")
    with pytest.raises(NotFound):
        services.decision_review(
            decision=decision,
            user=outsider,
            organisation=country["tax"],
            confirm=True,
            reason="no",
        )


def test_a_decision_replays_to_the_same_result_with_its_own_version(
    binding: Any, applicant: Any
) -> None:
    case = open_case(binding.service, applicant, "app-10", answers(1850, ["2019-05-01"]))
    decision = services.decision_for_case_opened(case_id=case.pk)
    services.release_register(
        package="demoland", version="2027.1", effective_from=dt.date(2027, 1, 1), status="active"
    )
    replay = services.decision_replay(decision)
    assert replay.matches and replay.version == "2026.1" and replay.replayed == 120.0


def test_a_tampered_decision_does_not_replay(binding: Any, applicant: Any) -> None:
    case = open_case(binding.service, applicant, "app-11", answers(1850, ["2019-05-01"]))
    decision = services.decision_for_case_opened(case_id=case.pk)
    decision.outputs["child_benefit"] = 240.0
    assert not services.decision_replay(decision).matches


def test_an_appeal_finds_the_decision_of_its_original_case(binding: Any, applicant: Any) -> None:
    case = open_case(binding.service, applicant, "app-12", answers(1850, ["2019-05-01"]))
    decision = services.decision_for_case_opened(case_id=case.pk)
    assert selectors.decision_for_case(case_id=case.pk) == decision
    assert selectors.decision_for_case(case_id="not-a-uuid") is None


def test_the_housing_form_answers_map_to_the_rule(
    country: Any, applicant: Any, release: Any
) -> None:
    from govdoor.catalogue.tests.factories import ServiceFactory
    from govdoor.rules.demo import BINDINGS

    spec = dict(next(b for b in BINDINGS if b["code"] == "housing-allowance"))
    spec.pop("code")
    service = ServiceFactory(code="housing-allowance", owner=country["social"])
    services.binding_save(service=service, package="demoland", **spec)
    declared = {"declared": True}
    case = open_case(
        service,
        applicant,
        "hs-1",
        {
            "yearly_income": {"value": 12000, "source": declared},
            "monthly_rent": {"value": 700, "source": declared},
            "household_size": {"value": 1, "source": declared},
        },
    )
    decision = services.decision_for_case_opened(case_id=case.pk)
    assert decision is not None and decision.amount == Decimal("370.00")
    assert decision.inputs["household_income"]["value"] == 1000.0
    assert decision.status == "automated"
