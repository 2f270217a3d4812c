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
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.errors import DomainError, NotFound
from govdoor.identity.models import Person
from govdoor.messaging.models import (
    ContactPoint,
    MessageType,
    Notification,
    Obligation,
    Preference,
    Reminder,
)
from govdoor.messaging.notify import (
    Dispatch,
    dispatch_on_commit,
    notifications_plan,
    preference_get,
)
from govdoor.organisations.models import Organisation

DEFAULT_OFFSETS = (14, 3, 1)
REMINDER_TYPE = "deadline-reminder"


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
    in batches, each batch in one transaction with its notifications (outbox)."""
    total = 0
    while True:
        n = _reminders_batch(limit=limit, dispatch=dispatch)
        total += n
        if n < limit:
            return total


@transaction.atomic
def _reminders_batch(*, limit: int, dispatch: Dispatch | None) -> int:
    today = clock.today()
    reminder_type = MessageType.objects.prefetch_related("templates").get(code=REMINDER_TYPE)
    batch = list(
        Reminder.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("obligation__person", "obligation__organisation")
        .filter(
            status=Reminder.Status.SCHEDULED,
            remind_on__lte=today,
            obligation__status=Obligation.Status.OPEN,
            obligation__due_on__gte=today,
        )
        .order_by("remind_on", "id")[:limit]
    )
    people = {r.obligation.person_id for r in batch}
    prefs = {p.person_id: p for p in Preference.objects.filter(person_id__in=people)}
    contacts: dict[object, list[ContactPoint]] = {}
    for c in ContactPoint.objects.filter(person_id__in=people, is_active=True).order_by(
        "created_at"
    ):
        contacts.setdefault(c.person_id, []).append(c)
    rows: list[Notification] = []
    for reminder in batch:
        ob = reminder.obligation
        pref = prefs.get(ob.person_id) or preference_get(ob.person)
        if pref.reminders:
            rows += _plan(reminder_type, reminder, ob, pref, contacts.get(ob.person_id, []))
    Notification.objects.bulk_create(rows, batch_size=1000)
    planned = [n.pk for n in rows]
    Reminder.objects.filter(pk__in=[r.pk for r in batch]).update(status=Reminder.Status.SENT)
    dispatch_on_commit(planned, dispatch)
    return len(batch)


def _plan(
    reminder_type: MessageType,
    reminder: Reminder,
    ob: Obligation,
    pref: Preference,
    contacts: list[ContactPoint],
) -> list[Notification]:
    """Word the reminder with the deadline-reminder template in the person's language."""
    from govdoor.messaging.services import rendered, template_for

    template = template_for(reminder_type, ob.person.language)
    with translation.override(template.language):
        due = date_format(ob.due_on, "DATE_FORMAT")
    subject, body, short = rendered(
        template, {"title": ob.title, "due_on": due, "organisation": ob.organisation.name}
    )
    return notifications_plan(
        pref=pref,
        active_contacts=contacts,
        save=False,
        person=ob.person,
        organisation=ob.organisation,
        message_type=reminder_type,
        subject=subject,
        body=body,
        short_text=short,
        key=f"rem:{reminder.pk}",
    ).notifications


def obligations_for(person: Person, *, include_done: bool = False):  # type: ignore[no-untyped-def]
    qs = Obligation.objects.filter(person=person).select_related("organisation")
    if not include_done:
        qs = qs.filter(status=Obligation.Status.OPEN)
    return qs.order_by("due_on", "id")
