from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from govdoor.cases import selectors
from govdoor.cases.models import Case, CaseEvent, CaseStatus
from govdoor.cases.services import (
    case_appeal,
    case_assign,
    case_close,
    case_decide,
    case_information_received,
    case_note_add,
    case_request_information,
    case_review_request,
    case_start_review,
    cases_escalate,
)
from govdoor.cases.tests.factories import open_case, person_living_in, staff_member
from govdoor.core import clock
from govdoor.core.errors import Conflict, DomainError, NotFound
from govdoor.core.models import OutboxEvent
from govdoor.identity.services import user_for_person
from govdoor.messaging.models import Message, Obligation
from govdoor.organisations.models import StaffRole

pytestmark = pytest.mark.django_db


def test_the_full_path_writes_a_history_line_for_every_transition(
    tax_service: Any, applicant: Any, tax_worker: Any
) -> None:
    case = open_case(tax_service, applicant)
    case_start_review(case=case, by=tax_worker)
    assert case.assignee == tax_worker
    case_request_information(case=case, by=tax_worker, request_text="Send your payslip.")
    assert case.status == CaseStatus.WAITING
    case_information_received(case=case, by=tax_worker, note="Payslip came by post")
    case_decide(
        case=case, outcome="granted", reason="Income below the limit", decided_by=tax_worker
    )
    case_close(case=case, by=tax_worker)
    steps = list(
        case.events.filter(kind=CaseEvent.Kind.TRANSITION).values_list("from_status", "to_status")
    )
    assert steps == [
        ("submitted", "in_review"),
        ("in_review", "waiting"),
        ("waiting", "in_review"),
        ("in_review", "decided"),
        ("decided", "closed"),
    ]
    assert case.events.filter(kind=CaseEvent.Kind.TRANSITION, actor=tax_worker).count() == 5


@pytest.mark.parametrize(
    "action",
    [
        lambda c: case_close(case=c, by=None),
        lambda c: case_information_received(case=c, by=None),
        lambda c: case_request_information(case=c, by=None, request_text="More"),
        lambda c: case_appeal(case=c, reason="No", appealed_by=None),
    ],
)
def test_illegal_transitions_are_conflicts_that_change_nothing(
    tax_service: Any, applicant: Any, action: Any
) -> None:
    case = open_case(tax_service, applicant)
    before = case.events.count()
    with pytest.raises(Conflict) as error:
        action(case)
    assert error.value.field in ("status", "reason")
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.events.count() == before


def test_a_decided_case_cannot_be_decided_again(tax_service: Any, applicant: Any) -> None:
    case = open_case(tax_service, applicant)
    case_decide(case=case, outcome="refused", reason="Too late", decided_by=None)
    with pytest.raises(Conflict, match="cannot become"):
        case_decide(case=case, outcome="granted", reason="Changed my mind", decided_by=None)


def test_a_triage_case_must_be_routed_before_a_decision(
    country: dict[str, Any], parking: dict[str, Any]
) -> None:
    from govdoor.identity.tests.factories import PersonFactory

    case = open_case(parking["riverton"], PersonFactory())
    with pytest.raises(Conflict):
        case_decide(case=case, outcome="granted", reason="ok", decided_by=None, automated=True)


@pytest.mark.parametrize(
    ("outcome", "reason", "field"), [("maybe", "x", "outcome"), ("granted", " ", "reason")]
)
def test_a_decision_needs_a_known_outcome_and_a_reason(
    tax_service: Any, applicant: Any, outcome: str, reason: str, field: str
) -> None:
    case = open_case(tax_service, applicant)
    with pytest.raises(DomainError) as error:
        case_decide(case=case, outcome=outcome, reason=reason, decided_by=None)
    assert error.value.field == field


def test_a_decision_sends_a_letter_sets_an_appeal_window_and_publishes_an_event(
    tax_service: Any, applicant: Any
) -> None:
    case = open_case(tax_service, applicant)
    with clock.frozen_at(dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)):
        case_decide(
            case=case,
            outcome="partly_granted",
            reason="Half the amount",
            decided_by=None,
            automated=True,
            decision_ref="decision-42",
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    assert (case.outcome, case.automated, case.decision_ref) == (
        "partly_granted",
        True,
        "decision-42",
    )
    assert case.appeal_until == dt.date(2027, 1, 4)  # six weeks
    message = Message.objects.get(case_ref=case.reference, message_type__code="case-decision")
    assert "partly granted" in message.subject.lower()
    obligation = Obligation.objects.get(person=applicant, source="cases.appeal")
    assert obligation.due_on == case.appeal_until
    assert obligation.reminders.count() == 3
    event = OutboxEvent.objects.get(topic="cases.case_decided")
    assert event.payload["case_id"] == str(case.pk)
    assert (
        case.events.get(kind=CaseEvent.Kind.TRANSITION, to_status="decided").actor_label == "rules"
    )


def test_a_request_for_information_sets_a_deadline_with_reminders(
    tax_service: Any, applicant: Any, tax_worker: Any
) -> None:
    case = open_case(tax_service, applicant)
    case_start_review(case=case, by=tax_worker)
    due = clock.today() + dt.timedelta(days=20)
    case_request_information(case=case, by=tax_worker, request_text="Your lease", due_on=due)
    obligation = Obligation.objects.get(person=applicant, source="cases.information")
    assert obligation.due_on == due
    message = Message.objects.get(message_type__code="case-information-request")
    assert "Your lease" in message.body
    case_information_received(case=case, by=tax_worker)
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.FULFILLED


def test_a_request_for_information_refuses_a_deadline_in_the_past(
    tax_service: Any, applicant: Any, tax_worker: Any
) -> None:
    case = open_case(tax_service, applicant)
    case_start_review(case=case, by=tax_worker)
    with pytest.raises(DomainError) as error:
        case_request_information(case=case, by=tax_worker, request_text="x", due_on=clock.today())
    assert error.value.field == "due_on"


def test_a_reply_in_the_mailbox_records_the_information_as_received(
    tax_service: Any, applicant: Any, tax_worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from govdoor.cases.handlers import on_reply_received
    from govdoor.messaging.services import message_reply

    case = open_case(tax_service, applicant)
    case_start_review(case=case, by=tax_worker)
    case_request_information(case=case, by=tax_worker, request_text="Your lease")
    request = Message.objects.get(message_type__code="case-information-request")
    message_reply(message=request, reader=applicant, body="Attached by post")
    on_reply_received(OutboxEvent.objects.get(topic="messaging.reply_received"))
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert case.events.get(kind=CaseEvent.Kind.INFO_RECEIVED).actor_label == "applicant"


def test_a_review_request_puts_the_case_in_the_review_queue(
    tax_service: Any, applicant: Any
) -> None:
    case = open_case(tax_service, applicant)
    case_review_request(case=case, note="Income near the threshold", decision_ref="d-1")
    case.refresh_from_db()
    assert (case.status, case.needs_review, case.review_note) == (
        CaseStatus.IN_REVIEW,
        True,
        "Income near the threshold",
    )
    case_decide(case=case, outcome="granted", reason="Checked", decided_by=None)
    with pytest.raises(Conflict):
        case_review_request(case=case, note="again")


def test_notes_are_history_lines_and_must_not_be_empty(tax_service: Any, applicant: Any) -> None:
    case = open_case(tax_service, applicant)
    case_note_add(case=case, author=None, text="Called the applicant")
    assert case.events.filter(kind=CaseEvent.Kind.NOTE, note="Called the applicant").exists()
    with pytest.raises(DomainError):
        case_note_add(case=case, author=None, text="  ")


def test_only_a_case_worker_of_the_organisation_can_be_assigned(
    country: dict[str, Any], tax_service: Any, applicant: Any, tax_worker: Any
) -> None:
    case = open_case(tax_service, applicant)
    stranger = staff_member(country["riverton_org"], "elsewhere")
    with pytest.raises(DomainError) as error:
        case_assign(case=case, assignee=stranger, by=tax_worker)
    assert error.value.field == "assignee"
    case_assign(case=case, assignee=tax_worker, by=tax_worker)
    assert case.assignee == tax_worker


def test_an_appeal_creates_a_linked_case_one_level_up(
    country: dict[str, Any], parking: dict[str, Any], applicant: Any
) -> None:
    case = open_case(parking["riverton"], applicant)
    case_decide(case=case, outcome="refused", reason="No space", decided_by=None)
    appeal = case_appeal(
        case=case, reason="There is space", appealed_by=user_for_person(person=applicant)
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.APPEALED
    assert appeal.parent == case
    assert (appeal.source, appeal.source_ref) == ("appeal", str(case.pk))
    assert appeal.organisation == country["north_org"]  # the region above the council
    assert appeal.answers["appeal_reason"]["value"] == "There is space"
    assert case_appeal(case=case, reason="again", appealed_by=None).pk == appeal.pk
    assert Obligation.objects.get(source="cases.appeal").status == Obligation.Status.FULFILLED
    # Deciding the appeal ends the procedure: the original is closed, no further window.
    case_decide(case=appeal, outcome="granted", reason="Agreed", decided_by=None)
    case.refresh_from_db()
    appeal.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert appeal.appeal_until is None


def test_an_organisation_without_a_parent_has_its_appeals_heard_centrally(
    country: dict[str, Any], applicant: Any
) -> None:
    from govdoor.catalogue.tests.factories import ServiceFactory

    regional = ServiceFactory(
        code="fishing", owner=country["north_org"], competent_level="regional"
    )
    case = open_case(regional, applicant)
    case_decide(case=case, outcome="refused", reason="Closed season", decided_by=None)
    appeal = case_appeal(case=case, reason="It is open", appealed_by=None)
    assert appeal.organisation == country["government"]


def test_an_appeal_after_the_window_is_refused(tax_service: Any, applicant: Any) -> None:
    case = open_case(tax_service, applicant)
    case_decide(case=case, outcome="refused", reason="No", decided_by=None)
    with clock.frozen_at(clock.now() + dt.timedelta(days=60)), pytest.raises(Conflict):
        case_appeal(case=case, reason="late", appealed_by=None)


def test_escalation_marks_overdue_cases_once_and_emails_the_case_workers(
    country: dict[str, Any],
    tax_service: Any,
    applicant: Any,
    tax_worker: Any,
    monday_morning: dt.datetime,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with clock.frozen_at(monday_morning):
        late = open_case(tax_service, applicant)
        decided = open_case(tax_service, applicant)
        case_decide(case=decided, outcome="granted", reason="ok", decided_by=None)
    with clock.frozen_at(monday_morning + dt.timedelta(days=3)):
        on_time = open_case(tax_service, applicant)
    mail.outbox.clear()
    with clock.frozen_at(monday_morning + dt.timedelta(days=15)):
        with django_capture_on_commit_callbacks(execute=True):
            assert cases_escalate() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert cases_escalate() == 0
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.escalated_at == monday_morning + dt.timedelta(days=15)
    assert on_time.escalated_at is None
    assert late.events.filter(kind=CaseEvent.Kind.ESCALATED).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [tax_worker.email]
    assert late.reference in mail.outbox[0].body
    assert applicant.family_name not in mail.outbox[0].body


def test_the_escalation_command_runs_the_same_service(
    tax_service: Any, applicant: Any, monday_morning: dt.datetime
) -> None:
    from django.core.management import call_command

    with clock.frozen_at(monday_morning):
        case = open_case(tax_service, applicant)
    with clock.frozen_at(monday_morning + dt.timedelta(days=30)):
        call_command("cases_escalate")
    case.refresh_from_db()
    assert case.escalated_at is not None


def test_staff_of_another_organisation_and_other_people_get_not_found(
    country: dict[str, Any], tax_service: Any, applicant: Any, tax_worker: Any
) -> None:
    case = open_case(tax_service, applicant)
    other = person_living_in(country["riverton"])
    with pytest.raises(NotFound):
        selectors.case_for_staff(
            user=tax_worker, organisation=country["riverton_org"], case_id=case.pk
        )
    with pytest.raises(NotFound):
        selectors.case_for_person(person=other, case_id=case.pk)
    with pytest.raises(NotFound):
        selectors.case_for_person(person=applicant, case_id="not-a-uuid")
    assert selectors.case_for_person(person=applicant, case_id=case.pk) == case
    assert selectors.case_get(str(case.pk)) == case


def test_cases_decided_lists_a_services_decisions_newest_first(
    tax_service: Any, applicant: Any
) -> None:
    first = open_case(tax_service, applicant)
    second = open_case(tax_service, applicant)
    open_case(tax_service, applicant)  # undecided
    with clock.frozen_at(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        case_decide(case=first, outcome="granted", reason="a", decided_by=None)
    with clock.frozen_at(dt.datetime(2026, 2, 1, tzinfo=dt.UTC)):
        case_decide(case=second, outcome="refused", reason="b", decided_by=None)
    assert list(selectors.cases_decided(service=tax_service, limit=10)) == [second, first]
    assert list(selectors.cases_decided(service=tax_service, limit=1)) == [second]
    assert set(selectors.cases_of_person(person=applicant)) == set(Case.objects.all())


def test_queue_filters_and_sorts_overdue_first(
    country: dict[str, Any],
    tax_service: Any,
    applicant: Any,
    tax_worker: Any,
    monday_morning: dt.datetime,
) -> None:
    with clock.frozen_at(monday_morning):
        old = open_case(tax_service, applicant)
    with clock.frozen_at(monday_morning + dt.timedelta(days=7)):
        new = open_case(tax_service, applicant)
        mine = open_case(tax_service, applicant)
        case_assign(case=mine, assignee=tax_worker, by=tax_worker)
    org = country["tax"]
    with clock.frozen_at(monday_morning + dt.timedelta(days=16)):
        everything = selectors.case_queue(
            organisation=org, user=tax_worker, filters=selectors.QueueFilter()
        )
        assert list(everything)[0] == old
        overdue = selectors.QueueFilter(overdue=True)
        assert list(selectors.case_queue(organisation=org, user=tax_worker, filters=overdue)) == [
            old
        ]
    me = selectors.QueueFilter(assignee="me")
    assert list(selectors.case_queue(organisation=org, user=tax_worker, filters=me)) == [mine]
    unassigned = selectors.QueueFilter(assignee="unassigned")
    assert set(selectors.case_queue(organisation=org, user=tax_worker, filters=unassigned)) == {
        old,
        new,
    }
    by_ref = selectors.QueueFilter(q=new.reference[3:].lower())
    assert list(selectors.case_queue(organisation=org, user=tax_worker, filters=by_ref)) == [new]
    elsewhere = staff_member(country["riverton_org"], "rcw", StaffRole.Role.CASE_WORKER)
    assert not selectors.case_queue(
        organisation=country["riverton_org"], user=elsewhere, filters=selectors.QueueFilter()
    ).exists()
    with pytest.raises(DomainError):
        selectors.QueueFilter(status="lost")
