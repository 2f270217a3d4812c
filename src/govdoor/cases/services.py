"""Case services: open (routed, idempotent), decide, review, notes, routing and transfers.

Case-worker actions (assign, start review, ask for information, close, appeal) and SLA
escalation live in `handling.py` and are re-exported here, so callers import one module.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from govdoor.cases import notices, routing
from govdoor.cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Outcome,
    ReferenceCounter,
    Source,
)
from govdoor.cases.workflow import due_at_for, history_add, transition
from govdoor.catalogue.models import Service
from govdoor.core import clock
from govdoor.core.errors import Conflict, DomainError
from govdoor.core.events import event_publish
from govdoor.identity.models import Business, Person, User
from govdoor.organisations.models import Organisation

log = logging.getLogger(__name__)

MAX_TEXT = 10_000
DEFAULT_APPEAL_DAYS = 42  # six weeks, the usual administrative appeal window


def appeal_days() -> int:
    return int(getattr(settings, "GOVDOOR_CASES_APPEAL_DAYS", DEFAULT_APPEAL_DAYS))


def lock(case: Case) -> Case:
    """The case row, locked for the rest of the transaction, with what letters need."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("service", "organisation", "applicant", "business__municipality")
        .get(pk=case.pk)
    )


def _sync(target: Case, source: Case) -> Case:
    """Give the caller's instance the new state (callers may keep using theirs)."""
    if target is not source:
        for field in Case._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))
    return source


def _text(value: str, *, field: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("This cannot be empty."), field=field)
    if len(value) > MAX_TEXT:
        raise DomainError(_("Write at most 10,000 characters."), field=field)
    return value


def reference_next(year: int) -> str:
    """The next reference of `year`; the counter row stays locked until commit."""
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
    ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1)
    number = ReferenceCounter.objects.get(year=year).last
    return f"GD-{year}-{number:06d}"


def _check_answers(answers: Mapping[str, Any] | None) -> dict[str, Any]:
    """`{field: {"value": …, "source": {"register": …} | {"declared": true}}}`."""
    if answers is None:
        return {}
    if not isinstance(answers, Mapping):
        raise DomainError(_("Answers must be an object of fields."), field="answers")
    for name, answer in answers.items():
        if not isinstance(answer, Mapping) or "value" not in answer:
            raise DomainError(
                _("Each answer needs a value and its source."), field=f"answers.{name}"
            )
        source = answer.get("source")
        if not isinstance(source, Mapping) or not (
            source.get("declared") is True or source.get("register")
        ):
            raise DomainError(
                _("Say where the answer comes from: a register, or the person's declaration."),
                field=f"answers.{name}",
            )
    return dict(answers)


def _share_documents(case: Case, document_ids: Sequence[Any], owners: set[Any]) -> None:
    """Let the handling organisation open the case's documents (they must be the applicant's)."""
    if not document_ids:
        return
    from govdoor.documents.selectors import documents_of_person
    from govdoor.documents.services import document_share_with_organisation

    wanted = {uuid.UUID(str(d)) for d in document_ids}
    found = {}
    for owner in owners:
        for document in documents_of_person(person_id=owner).filter(pk__in=wanted):
            found[document.pk] = document
    missing = wanted - set(found)
    if missing:
        raise DomainError(_("Some documents are not yours or do not exist."), field="document_ids")
    for document in found.values():
        document_share_with_organisation(
            document=document, organisation=case.organisation, case_id=case.pk
        )


def _share_case_documents(case: Case) -> None:
    """After a transfer: the new organisation may open the documents already in the case."""
    from django.apps import apps

    if not apps.is_installed("govdoor.documents"):
        return
    from govdoor.documents.selectors import documents_for_case
    from govdoor.documents.services import document_share_with_organisation

    for document in documents_for_case(case_id=case.pk):
        document_share_with_organisation(
            document=document, organisation=case.organisation, case_id=case.pk
        )


def _validate_open(
    *, applicant: Person | None, business: Business | None, source: str, source_ref: str
) -> None:
    if source not in Source.values:
        raise DomainError(_("Unknown case source."), field="source")
    if not source_ref or len(source_ref) > 120:
        raise DomainError(_("Give a reference of at most 120 characters."), field="source_ref")
    if applicant is None and business is None:
        raise DomainError(_("A case needs an applicant or a business."), field="applicant")


def case_open(
    *,
    service: Service,
    applicant: Person | None,
    business: Business | None = None,
    opened_by: User | None,
    source: str,
    source_ref: str,
    title: str = "",
    answers: dict[str, Any] | None = None,
    document_ids: Sequence[uuid.UUID] = (),
    parent: Case | None = None,
    organisation: Organisation | None = None,
) -> Case:
    """Open a case at the competent organisation (or triage); idempotent on (source, ref).

    `parent` and `organisation` are for appeals (the appeal body is chosen by the caller).
    """
    _validate_open(applicant=applicant, business=business, source=source, source_ref=source_ref)
    existing = Case.objects.filter(source=source, source_ref=source_ref).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _case_create(
                service=service,
                applicant=applicant,
                business=business,
                opened_by=opened_by,
                source=source,
                source_ref=source_ref,
                title=title,
                answers=_check_answers(answers),
                document_ids=document_ids,
                parent=parent,
                organisation=organisation,
            )
    except IntegrityError:
        # The same submission raced us (double click, retry): the first one won.
        existing = Case.objects.filter(source=source, source_ref=source_ref).first()
        if existing is None:
            raise
        return existing


def _case_create(
    *,
    service: Service,
    applicant: Person | None,
    business: Business | None,
    opened_by: User | None,
    source: str,
    source_ref: str,
    title: str,
    answers: dict[str, Any],
    document_ids: Sequence[uuid.UUID],
    parent: Case | None,
    organisation: Organisation | None,
) -> Case:
    now = clock.now()
    status = CaseStatus.SUBMITTED
    if organisation is None:
        area = routing.applicant_area(applicant=applicant, business=business)
        resolved = routing.competent_for(service=service, area=area)
        if resolved is None:
            organisation, status = routing.triage_organisation(), CaseStatus.TRIAGE
        else:
            service, organisation = resolved
    case = Case.objects.create(
        reference=reference_next(now.year),
        service=service,
        organisation=organisation,
        applicant=applicant,
        business=business,
        title=(title or service.name_en)[:300],
        status=status,
        answers=answers,
        source=source,
        source_ref=source_ref,
        parent=parent,
        opened_by=opened_by,
        opened_at=now,
        due_at=due_at_for(now, service.sla_days),
        updated_at=now,
    )
    history_add(
        case,
        CaseEvent.Kind.OPENED,
        actor=opened_by,
        actor_label="" if opened_by else source,
        to_status=status,
        organisation=organisation,
        note=_("Sent to the triage desk: no competent organisation was found.")
        if status == CaseStatus.TRIAGE
        else "",
    )
    owners = {p for p in (applicant and applicant.pk, getattr(opened_by, "person_id", None)) if p}
    _share_documents(case, document_ids, owners)
    event_publish(topic="cases.case_opened", payload={"case_id": str(case.pk)})
    notices.letter_and_message(
        lock(case), "appeal_receipt" if source == Source.APPEAL else "receipt"
    )
    log.info("case opened", extra={"case_id": str(case.pk), "status": status})
    return case


@transaction.atomic
def case_route(
    *, case: Case, organisation: Organisation, routed_by: User | None, note: str = ""
) -> Case:
    """A triage case goes to the organisation staff chose; it then starts as submitted."""
    locked = lock(case)
    if locked.status != CaseStatus.TRIAGE:
        raise Conflict(_("Only a case waiting at the triage desk can be routed."), field="status")
    if not organisation.is_active:
        raise DomainError(_("This organisation no longer takes cases."), field="organisation")
    _move(locked, organisation, actor=routed_by, note=note or _("Routed from triage."))
    transition(locked, CaseStatus.SUBMITTED, actor=routed_by)
    return _sync(case, locked)


def _move(case: Case, organisation: Organisation, *, actor: Any, note: str) -> None:
    previous = case.organisation
    case.organisation = organisation
    case.assignee = None
    case.updated_at = clock.now()
    case.save(update_fields=["organisation", "assignee", "updated_at"])
    history_add(
        case,
        CaseEvent.Kind.ROUTED,
        actor=actor,
        organisation=organisation,
        note=f"{previous.name} → {organisation.name}. {note}".strip(),
    )
    _share_case_documents(case)
    event_publish(
        topic="cases.case_routed",
        payload={"case_id": str(case.pk), "organisation_id": str(organisation.pk)},
    )


@transaction.atomic
def case_transfer(
    *,
    case: Case,
    organisation: Organisation,
    note: str,
    actor: Any = None,
    service: Service | None = None,
) -> Case:
    """An open case moves to another organisation (the applicant moved, a wrong door);
    `service` is the new organisation's variant of a kind of service, if it has its own."""
    locked = lock(case)
    if not locked.is_open:
        raise Conflict(_("Only an open case can move to another organisation."), field="status")
    if locked.organisation_id != organisation.pk:
        if service is not None and service.pk != locked.service_id:
            locked.service = service
            locked.save(update_fields=["service"])
        _move(locked, organisation, actor=actor, note=note)
        if locked.status == CaseStatus.TRIAGE:
            transition(locked, CaseStatus.SUBMITTED, actor=actor)
    return _sync(case, locked)


@transaction.atomic
def case_decide(
    *,
    case: Case,
    outcome: str,
    reason: str,
    decided_by: User | None,
    automated: bool = False,
    decision_ref: str = "",
) -> Case:
    """Decide: letter (signed) to the mailbox, appeal window with reminders, event."""
    if outcome not in (Outcome.GRANTED, Outcome.REFUSED, Outcome.PARTLY_GRANTED):
        raise DomainError(_("Choose granted, refused or partly granted."), field="outcome")
    reason = _text(reason, field="reason")
    locked = lock(case)
    if locked.status == CaseStatus.TRIAGE:
        raise Conflict(_("Route the case to an organisation before deciding."), field="status")
    now = clock.now()
    locked.outcome, locked.decision_reason = outcome, reason
    locked.decided_at, locked.decided_by = now, decided_by
    locked.automated, locked.decision_ref = automated, decision_ref[:64]
    locked.needs_review = False
    # An appeal's decision ends the procedure here; what follows is a court, not govdoor.
    appealable = locked.source != Source.APPEAL
    locked.appeal_until = (now + dt.timedelta(days=appeal_days())).date() if appealable else None
    transition(
        locked,
        CaseStatus.DECIDED,
        actor=decided_by,
        actor_label="rules" if automated else "",
        note=reason,
        extra_fields=(
            "outcome",
            "decision_reason",
            "decided_at",
            "decided_by",
            "automated",
            "decision_ref",
            "needs_review",
            "appeal_until",
        ),
    )
    _ledger_decision(locked, decided_by)
    notices.deadline_met(locked, source=notices.OBLIGATION_SOURCE_INFO)
    notices.letter_and_message(locked, "decision")
    if locked.appeal_until:
        notices.deadline_register(
            locked,
            source=notices.OBLIGATION_SOURCE_APPEAL,
            title=_("Appeal against decision %(ref)s (if you disagree)")
            % {"ref": locked.reference},
            due_on=locked.appeal_until,
        )
    if locked.parent_id is not None:
        _close_parent_after_appeal(locked, decided_by)
    event_publish(
        topic="cases.case_decided",
        payload={"case_id": str(locked.pk), "outcome": outcome, "automated": automated},
    )
    return _sync(case, locked)


def _ledger_decision(case: Case, decided_by: User | None) -> None:
    from govdoor.ledger.services import ledger_append

    ledger_append(
        subject_id=str(case.applicant_id or case.business_id),
        actor_org=case.organisation.code,
        actor_user=str(decided_by.pk) if decided_by else None,
        action="decide",
        purpose="case-handling",
        legal_basis=case.service.legal_basis or notices.LEGAL_BASIS,
        fields=sorted(case.answers),
    )


def _close_parent_after_appeal(appeal: Case, decided_by: User | None) -> None:
    if appeal.parent_id is None:
        return
    parent = Case.objects.select_for_update().get(pk=appeal.parent_id)
    if parent.status == CaseStatus.APPEALED:
        parent.closed_at = clock.now()
        transition(
            parent,
            CaseStatus.CLOSED,
            actor=decided_by,
            note=_("The appeal %(ref)s was decided.") % {"ref": appeal.reference},
            extra_fields=("closed_at",),
        )


@transaction.atomic
def case_review_request(*, case: Case, note: str, decision_ref: str = "") -> Case:
    """Put the case in the human review queue (rules could not or may not decide alone)."""
    note = _text(note, field="note")
    locked = lock(case)
    if locked.status not in (CaseStatus.TRIAGE, CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW):
        raise Conflict(_("Only a case not yet decided can be reviewed."), field="status")
    locked.needs_review, locked.review_note = True, note
    if decision_ref:
        locked.decision_ref = decision_ref[:64]
    fields = ("needs_review", "review_note", "decision_ref")
    if locked.status == CaseStatus.SUBMITTED:
        transition(
            locked, CaseStatus.IN_REVIEW, actor_label="rules", note=note, extra_fields=fields
        )
    else:
        locked.updated_at = clock.now()
        locked.save(update_fields=[*fields, "updated_at"])
        history_add(locked, CaseEvent.Kind.NOTE, actor_label="rules", note=note)
    return _sync(case, locked)


@transaction.atomic
def case_note_add(*, case: Case, author: User | None, text: str) -> None:
    text = _text(text, field="text")
    history_add(case, CaseEvent.Kind.NOTE, actor=author, note=text)


from govdoor.cases.handling import (  # noqa: E402  (re-exported for callers)
    case_appeal,
    case_assign,
    case_close,
    case_information_received,
    case_request_information,
    case_start_review,
    cases_escalate,
)

__all__ = [
    "case_appeal",
    "case_assign",
    "case_close",
    "case_decide",
    "case_information_received",
    "case_note_add",
    "case_open",
    "case_request_information",
    "case_review_request",
    "case_route",
    "case_start_review",
    "case_transfer",
    "cases_escalate",
]
