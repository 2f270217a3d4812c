"""The case state machine, its history, and the SLA clock.

    triage ──route──▶ submitted ──▶ in_review ⇄ waiting (for the person)
                          │              │
                          └──────────────┴──▶ decided ──▶ appealed ──▶ closed
                                                 └──────────────────▶ closed

`submitted → decided` exists for automated decisions (rules decide on arrival). Every
transition writes a CaseEvent (who, when, from → to, note); an illegal one is a Conflict
naming both states, so a double click or a stale page never corrupts a case.

SLA: `due_at` counts business days (Monday to Friday) from the moment the case is opened.
Why business days: service promises ("we answer within 10 days") are made in staff working
time, and a case opened on Friday evening would otherwise lose two of its days to the
weekend; calendar-day legal deadlines (the appeal window) are counted in calendar days.
Public holidays are not subtracted (no holiday calendar exists yet), which errs on the side
of the person: a deadline never moves later than the promise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from govdoor.cases.models import Case, CaseEvent, CaseStatus
from govdoor.core import clock
from govdoor.core.errors import Conflict

S = CaseStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.TRIAGE: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.IN_REVIEW, S.DECIDED}),
    S.IN_REVIEW: frozenset({S.WAITING, S.DECIDED}),
    S.WAITING: frozenset({S.IN_REVIEW}),
    S.DECIDED: frozenset({S.APPEALED, S.CLOSED}),
    S.APPEALED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}


def status_label(status: str) -> str:
    return str(CaseStatus(status).label) if status in CaseStatus.values else status


def check_transition(case: Case, to: str) -> None:
    if to not in TRANSITIONS.get(case.status, frozenset()):
        raise Conflict(
            _("A case that is “%(current)s” cannot become “%(new)s”.")
            % {"current": status_label(case.status), "new": status_label(to)},
            field="status",
        )


def history_add(
    case: Case,
    kind: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    organisation: Any = None,
    letter_id: Any = None,
    message_id: Any = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        at=clock.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label or ("" if actor is not None else "system"),
        from_status=from_status,
        to_status=to_status,
        note=note,
        organisation=organisation,
        letter_id=letter_id,
        message_id=message_id,
    )


def transition(
    case: Case,
    to: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    note: str = "",
    extra_fields: tuple[str, ...] = (),
) -> Case:
    """Move `case` (locked by the caller) to `to`, save it, and write the history line."""
    check_transition(case, to)
    previous = case.status
    case.status = to
    case.updated_at = clock.now()
    case.save(update_fields=["status", "updated_at", *extra_fields])
    history_add(
        case,
        CaseEvent.Kind.TRANSITION,
        actor=actor,
        actor_label=actor_label,
        from_status=previous,
        to_status=to,
        note=note,
    )
    return case


def add_business_days(start: dt.datetime, days: int) -> dt.datetime:
    """`start` plus `days` working days (Mon–Fri), at the same time of day."""
    moment = start
    added = 0
    while added < days:
        moment += dt.timedelta(days=1)
        if moment.weekday() < 5:
            added += 1
    return moment


def due_at_for(opened_at: dt.datetime, sla_days: int | None) -> dt.datetime | None:
    if not sla_days:
        return None
    return add_business_days(opened_at, sla_days)
