"""Deadlines from base registers: a permit expiring, a vehicle inspection due, a tax return.

A `DeadlineSource` (plugin registry `deadline_sources`) names a register, the date field
that is the deadline, how to word it and when to remind. Register data becomes obligations
(`reminders.obligation_register`, source "register:<code>", reference the record id) in two
ways, both through registries' public selectors and never by editing a register:

- an outbox event consumer (`registers.record_created` / `_updated` / `_deleted`): a new or
  changed date (re)schedules the obligation, so renewing a permit moves its reminders to the
  new expiry; a deleted record (the permit handed in, the car scrapped) cancels them; a
  bulk load (`registers.records_loaded`) triggers a scan of that register;
- a periodic scan (`messaging.register_deadlines_scan`, daily) that finds records whose date
  falls within the horizon by a month prefix search on the (non-personal) date field, and
  registers those not yet known, for registers filled before this existed.

Each read of a record's values goes through `records_read_for` as the register's keeper with
the purpose "deadline reminders", so it is ledgered: the person sees who used the record
and why.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.errors import DomainError, NotFound
from govdoor.core.events import subscribe
from govdoor.core.models import OutboxEvent
from govdoor.core.registry import Registry
from govdoor.identity.models import Person
from govdoor.messaging.models import Obligation
from govdoor.messaging.reminders import obligation_register

log = logging.getLogger(__name__)
PURPOSE = "deadline reminders"
HORIZON_DAYS = 60


@dataclass(frozen=True)
class DeadlineSource:
    register: str
    date_field: str
    fields: tuple[str, ...]  # what the title needs (read with the date)
    title: Callable[[dict[str, Any]], str]  # called in the person's language
    offsets: tuple[int, ...] = (14, 3, 1)


deadline_sources: Registry[DeadlineSource] = Registry("register deadline sources")

for _source in (
    DeadlineSource(
        register="parking-permits",
        date_field="valid_until",
        fields=("permit_number",),
        title=lambda v: _("Renew parking permit %(number)s") % {"number": v["permit_number"]},
        offsets=(30, 14, 3),
    ),
    DeadlineSource(
        register="vehicles",
        date_field="inspection_due",
        fields=("plate",),
        title=lambda v: _("Vehicle inspection of %(plate)s") % {"plate": v["plate"]},
    ),
    DeadlineSource(
        register="tax-returns",
        date_field="due_on",
        fields=("tax_year",),
        title=lambda v: _("Tax return for %(year)s") % {"year": v["tax_year"]},
    ),
):
    deadline_sources.register(_source.register)(_source)


def _source_ref(record: Any) -> str:
    return str(record.pk)


def _caller(register: Any) -> Any:
    from govdoor.registries.selectors import Caller

    return Caller(
        organisation=register.organisation,
        is_agency=True,
        purpose=PURPOSE,
        legal_basis=f"register:{register.code}: reminding the holder of a deadline",
    )


def _person(subject_id: Any) -> Person | None:
    try:
        return Person.objects.filter(pk=uuid.UUID(str(subject_id))).first()
    except ValueError:
        return None  # a subject that is not one of our people


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _cancel(code: str, person_id: Any, ref: str) -> None:
    from govdoor.messaging.models import Reminder

    obligations = Obligation.objects.filter(
        person_id=person_id, source=f"register:{code}", source_ref=ref
    )
    Reminder.objects.filter(obligation__in=obligations, status=Reminder.Status.SCHEDULED).update(
        status=Reminder.Status.CANCELLED
    )
    obligations.filter(status=Obligation.Status.OPEN).update(status=Obligation.Status.CANCELLED)


@transaction.atomic
def record_deadline_sync(*, source: DeadlineSource, register: Any, record: Any) -> str:
    """Bring one record's obligation in line with its date: "registered", "cancelled" or
    "skipped" (no person subject, or no such person)."""
    from govdoor.registries.selectors import record_read_for

    person = _person(record.subject_id)
    if person is None:
        return "skipped"
    ref = _source_ref(record)
    if record.deleted_at is not None:
        _cancel(register.code, person.pk, ref)
        return "cancelled"
    values = record_read_for(
        record=record, caller=_caller(register), only=(source.date_field, *source.fields)
    )
    due_on = _date(values.get(source.date_field))
    if due_on is None or due_on < clock.today():
        _cancel(register.code, person.pk, ref)
        return "cancelled"
    with translation.override(person.language or None):
        title = source.title(values)
    obligation_register(
        person=person,
        source=f"register:{register.code}",
        source_ref=ref,
        title=title[:300],
        due_on=due_on,
        org=register.organisation,
        offsets=source.offsets,
    )
    return "registered"


@subscribe(
    "registers.record_created",
    "registers.record_updated",
    "registers.record_deleted",
    "registers.records_loaded",
    consumer_id="messaging.register-deadlines",
)
def register_deadlines_on_change(event: OutboxEvent) -> None:
    code = str(event.payload.get("register", ""))
    if code not in deadline_sources:
        return
    source = deadline_sources.get(code)
    if event.topic == "registers.records_loaded":
        register_deadlines_scan(codes=[code])
        return
    fields = set(event.payload.get("fields") or [])
    if event.topic == "registers.record_updated" and source.date_field not in fields:
        return  # another field changed: the deadline stands
    from govdoor.registries.selectors import record_get, register_get

    try:
        register = register_get(code=code, version=event.payload.get("register_version"))
        record = record_get(
            register=register, record_id=event.payload.get("record_id"), include_deleted=True
        )
    except NotFound:
        return
    record_deadline_sync(source=source, register=register, record=record)


def _months(start: dt.date, end: dt.date) -> Iterable[str]:
    month = start.replace(day=1)
    while month <= end:
        yield month.strftime("%Y-%m")
        month = (month + dt.timedelta(days=32)).replace(day=1)


def register_deadlines_scan(
    *, codes: Iterable[str] | None = None, horizon_days: int = HORIZON_DAYS
) -> dict[str, int]:
    """Register the obligations of records whose date falls within the horizon and that are
    not yet known; returns how many were registered per register."""
    from govdoor.registries.selectors import records_search, register_get

    today = clock.today()
    done: dict[str, int] = {}
    for code in codes or deadline_sources.ids():
        source = deadline_sources.get(code)
        try:
            register = register_get(code=code)
        except NotFound:
            continue
        if source.date_field not in register.field_names:
            continue  # the register does not (yet) keep this date
        known = set(
            Obligation.objects.filter(source=f"register:{code}").values_list(
                "source_ref", flat=True
            )
        )
        count = 0
        for month in _months(today, today + dt.timedelta(days=horizon_days)):
            try:
                found = records_search(register=register, prefix={source.date_field: month})
            except DomainError:
                break  # the date field is personal here: only events can follow it
            for record in found.select_related("register__organisation").iterator(2000):
                if _source_ref(record) in known:
                    continue
                outcome = record_deadline_sync(source=source, register=register, record=record)
                count += outcome == "registered"
        done[code] = count
        log.info("register deadlines scanned", extra={"register": code, "registered": count})
    return done
