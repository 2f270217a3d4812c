"""Case-worker actions, the person's appeal, and SLA escalation.

Escalation (`cases_escalate`, beat task `cases.escalate`, command `cases_escalate`): an open
case past its `due_at` gets `escalated_at` and a history line once, and the organisation's
case workers and administrators get one e-mail per run listing the references (never
names). Running it again finds nothing new: idempotent.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from govdoor.cases import notices, routing
from govdoor.cases.models import OPEN_STATUSES, Case, CaseEvent, CaseStatus, Source
from govdoor.cases.workflow import check_transition, history_add, transition
from govdoor.core import clock
from govdoor.core.errors import Conflict, DomainError
from govdoor.core.events import event_publish
from govdoor.identity.models import User
from govdoor.organisations.models import StaffRole

log = logging.getLogger(__name__)

MAX_INFO_DAYS = 90
DEFAULT_INFO_DAYS = 14


def _services() -> Any:
    from govdoor.cases import services

    return services


@transaction.atomic
def case_assign(*, case: Case, assignee: User | None, by: User | None) -> Case:
    """Give the case to a case worker of its organisation (None: back to the pool)."""
    s = _services()
    locked = s.lock(case)
    if not locked.is_open:
        raise Conflict(_("A closed or decided case cannot be assigned."), field="status")
    if (
        assignee is not None
        and not StaffRole.objects.filter(
            user=assignee,
            organisation_id=locked.organisation_id,
            role__in=[StaffRole.Role.CASE_WORKER, StaffRole.Role.ADMIN],
        ).exists()
    ):
        raise DomainError(
            _("Only a case worker of this organisation can be given the case."), field="assignee"
        )
    locked.assignee = assignee
    locked.updated_at = clock.now()
    locked.save(update_fields=["assignee", "updated_at"])
    note = assignee.username if assignee else _("Back to the team's queue")
    history_add(locked, CaseEvent.Kind.ASSIGNED, actor=by, note=note)
    return s._sync(case, locked)


@transaction.atomic
def case_start_review(*, case: Case, by: User | None) -> Case:
    s = _services()
    locked = s.lock(case)
    check_transition(locked, CaseStatus.IN_REVIEW)
    fields: tuple[str, ...] = ()
    if locked.assignee_id is None and by is not None:
        locked.assignee = by
        fields = ("assignee",)
    transition(locked, CaseStatus.IN_REVIEW, actor=by, extra_fields=fields)
    return s._sync(case, locked)


@transaction.atomic
def case_request_information(
    *, case: Case, by: User | None, request_text: str, due_on: dt.date | None = None
) -> Case:
    """Ask the person for more: a letter in their mailbox (they reply there) and a deadline."""
    s = _services()
    request_text = s._text(request_text, field="request_text")
    today = clock.today()
    due_on = due_on or today + dt.timedelta(days=DEFAULT_INFO_DAYS)
    if not today < due_on <= today + dt.timedelta(days=MAX_INFO_DAYS):
        raise DomainError(_("Give a date after today and at most 90 days ahead."), field="due_on")
    locked = s.lock(case)
    check_transition(locked, CaseStatus.WAITING)
    locked.info_request, locked.info_due_on = request_text, due_on
    transition(
        locked,
        CaseStatus.WAITING,
        actor=by,
        note=request_text,
        extra_fields=("info_request", "info_due_on"),
    )
    history_add(locked, CaseEvent.Kind.INFO_REQUESTED, actor=by, note=request_text)
    from django.utils.formats import date_format
    from django.utils.translation import override

    with override(notices.language_of(locked)):
        due_text = date_format(due_on, "DATE_FORMAT")
        title = _("Send the information asked for case %(ref)s") % {"ref": locked.reference}
    notices.letter_and_message(locked, "information_request", request=request_text, due_on=due_text)
    notices.deadline_register(
        locked, source=notices.OBLIGATION_SOURCE_INFO, title=title, due_on=due_on
    )
    return s._sync(case, locked)


@transaction.atomic
def case_information_received(
    *, case: Case, by: User | None, note: str = "", actor_label: str = ""
) -> Case:
    """The person answered (a mailbox reply, or staff record an answer by post/counter)."""
    s = _services()
    locked = s.lock(case)
    if locked.status != CaseStatus.WAITING:
        raise Conflict(_("This case is not waiting for information."), field="status")
    history_add(
        locked,
        CaseEvent.Kind.INFO_RECEIVED,
        actor=by,
        actor_label=actor_label,
        note=note.strip()[: s.MAX_TEXT],
    )
    transition(locked, CaseStatus.IN_REVIEW, actor=by, actor_label=actor_label)
    notices.deadline_met(locked, source=notices.OBLIGATION_SOURCE_INFO)
    return s._sync(case, locked)


@transaction.atomic
def case_close(*, case: Case, by: User | None, note: str = "") -> Case:
    s = _services()
    locked = s.lock(case)
    locked.closed_at = clock.now()
    transition(locked, CaseStatus.CLOSED, actor=by, note=note, extra_fields=("closed_at",))
    return s._sync(case, locked)


@transaction.atomic
def case_appeal(*, case: Case, reason: str, appealed_by: User | None) -> Case:
    """The person appeals a decision within its window: a linked case at the appeal body.

    Idempotent: appealing twice returns the appeal already made.
    """
    s = _services()
    reason = s._text(reason, field="reason")
    locked = s.lock(case)
    existing = Case.objects.filter(source=Source.APPEAL, source_ref=str(locked.pk)).first()
    if existing is not None:
        return existing
    if locked.status != CaseStatus.DECIDED:
        raise Conflict(_("Only a decided case can be appealed."), field="status")
    if locked.appeal_until is None or clock.today() > locked.appeal_until:
        raise Conflict(_("The time to appeal this decision has passed."), field="reason")
    body = routing.appeal_body(locked.organisation)
    appeal = s.case_open(
        service=locked.service,
        applicant=locked.applicant,
        business=locked.business,
        opened_by=appealed_by,
        source=Source.APPEAL,
        source_ref=str(locked.pk),
        title=_("Appeal against %(ref)s") % {"ref": locked.reference},
        answers={
            **locked.answers,
            "appeal_reason": {"value": reason, "source": {"declared": True}},
        },
        parent=locked,
        organisation=body,
    )
    transition(
        locked,
        CaseStatus.APPEALED,
        actor=appealed_by,
        actor_label="" if appealed_by else "applicant",
        note=_("Appeal %(ref)s at %(org)s") % {"ref": appeal.reference, "org": body.name},
    )
    history_add(locked, CaseEvent.Kind.APPEAL, actor=appealed_by, note=appeal.reference)
    notices.deadline_met(locked, source=notices.OBLIGATION_SOURCE_APPEAL)
    event_publish(
        topic="cases.case_appealed",
        payload={"case_id": str(locked.pk), "appeal_id": str(appeal.pk)},
    )
    return appeal


def cases_escalate(*, limit: int = 1000) -> int:
    """Mark open cases past their deadline as escalated (once) and tell their organisations."""
    total = 0
    while True:
        escalated = _escalate_batch(limit=limit)
        total += len(escalated)
        if len(escalated) < limit:
            return total


@transaction.atomic
def _escalate_batch(*, limit: int) -> list[Case]:
    now = clock.now()
    batch = list(
        Case.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("organisation")
        .filter(status__in=OPEN_STATUSES, escalated_at__isnull=True, due_at__lt=now)
        .order_by("due_at", "id")[:limit]
    )
    by_org: dict[Any, list[str]] = defaultdict(list)
    for case in batch:
        case.escalated_at = now
        history_add(
            case,
            CaseEvent.Kind.ESCALATED,
            actor_label="system",
            note=_("The processing deadline passed."),
        )
        by_org[case.organisation_id].append(case.reference)
    Case.objects.filter(pk__in=[c.pk for c in batch]).update(escalated_at=now)
    for organisation_id, references in by_org.items():
        transaction.on_commit(
            functools.partial(_notify_managers, organisation_id, references), robust=True
        )
    if batch:
        log.info("cases escalated", extra={"count": len(batch)})
    return batch


def _notify_managers(organisation_id: Any, references: list[str]) -> None:
    emails = sorted(
        set(
            User.objects.filter(
                staff_roles__organisation_id=organisation_id,
                staff_roles__role__in=[StaffRole.Role.CASE_WORKER, StaffRole.Role.ADMIN],
                is_active=True,
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not emails:
        return
    base = str(getattr(settings, "GOVDOOR_BASE_URL", "")).rstrip("/")
    body = "\n".join(
        [
            _("These cases passed their processing deadline:"),
            "",
            *references,
            "",
            _("Open the queue: %(url)s") % {"url": f"{base}/backoffice/cases/?overdue=1"},
        ]
    )
    send_mail(
        subject=_("%(n)d case(s) passed their deadline") % {"n": len(references)},
        message=body,
        from_email=None,
        recipient_list=emails,
    )
