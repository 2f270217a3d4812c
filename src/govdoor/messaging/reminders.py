"""Obligations and their deadline reminders (14, 3 and 1 days ahead by default).

Cases and registers call `obligation_register` when something falls due (an information
request, an appeal window, a vehicle inspection, a tax return, a permit expiring) and
`obligation_fulfil` when it is met; the beat task `messaging.reminders_due` turns due
reminders into notifications. Registering again with the same source reference moves the
date (and reschedules) instead of duplicating.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.errors import DomainError, NotFound
from govdoor.identity.models import Person
from govdoor.messaging.generate import reminders_batch
from govdoor.messaging.models import Obligation, Reminder
from govdoor.messaging.notify import Dispatch
from govdoor.organisations.models import Organisation

DEFAULT_OFFSETS = (14, 3, 1)


@transaction.atomic
def obligation_register(
    *,
    person: Person,
    source: str,
    source_ref: str,
    title: str,
    due_on: dt.date,
    org: Organisation,
    offsets: Sequence[int] = DEFAULT_OFFSETS,
) -> Obligation:
    if not source or not source_ref:
        raise DomainError(_("An obligation needs a source and a reference."), field="source_ref")
    if not title.strip():
        raise DomainError(_("An obligation needs a title."), field="title")
    obligation, created = Obligation.objects.select_for_update().get_or_create(
        person=person,
        source=source,
        source_ref=source_ref,
        defaults={"title": title, "due_on": due_on, "organisation": org, "created_at": clock.now()},
    )
    if not created:
        obligation.title, obligation.due_on, obligation.organisation = title, due_on, org
        obligation.status, obligation.fulfilled_at = Obligation.Status.OPEN, None
        obligation.save(update_fields=["title", "due_on", "organisation", "status", "fulfilled_at"])
        obligation.reminders.filter(status=Reminder.Status.SCHEDULED).delete()
    today = clock.today()
    sent = set(obligation.reminders.values_list("days_before", flat=True))
    Reminder.objects.bulk_create(
        [
            Reminder(obligation=obligation, days_before=d, remind_on=due_on - dt.timedelta(days=d))
            for d in sorted(set(offsets), reverse=True)
            if d not in sent and due_on - dt.timedelta(days=d) >= today
        ]
    )
    return obligation


@transaction.atomic
def obligation_fulfil(*, person: Person, source: str, source_ref: str) -> Obligation:
    """The obligation is met: its remaining reminders are cancelled."""
    obligation = (
        Obligation.objects.select_for_update()
        .filter(person=person, source=source, source_ref=source_ref)
        .first()
    )
    if obligation is None:
        raise NotFound(_("No such obligation."))
    if obligation.status == Obligation.Status.OPEN:
        obligation.status, obligation.fulfilled_at = Obligation.Status.FULFILLED, clock.now()
        obligation.save(update_fields=["status", "fulfilled_at"])
    obligation.reminders.filter(status=Reminder.Status.SCHEDULED).update(
        status=Reminder.Status.CANCELLED
    )
    return obligation


def reminders_due(*, limit: int = 2000, dispatch: Dispatch | None = None) -> int:
    """Turn reminders due today (or overdue but before the deadline) into notifications,
    in batches, each batch in one transaction with its notifications (outbox); each batch's
    notifications are dispatched when it commits, so sending starts while later batches
    are still being generated (see `generate.py`)."""
    total = 0
    while True:
        n = reminders_batch(limit=limit, dispatch=dispatch)
        total += n
        if n < limit:
            return total


def obligations_for(person: Person, *, include_done: bool = False):  # type: ignore[no-untyped-def]
    qs = Obligation.objects.filter(person=person).select_related("organisation")
    if not include_done:
        qs = qs.filter(status=Obligation.Status.OPEN)
    return qs.order_by("due_on", "id")
