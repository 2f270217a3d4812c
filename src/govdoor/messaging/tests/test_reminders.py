from __future__ import annotations

import datetime as dt

import pytest

from govdoor.core import clock
from govdoor.core.errors import DomainError, NotFound
from govdoor.messaging.ical import calendar_render
from govdoor.messaging.models import DemoOutboxEntry, Notification, Obligation, Reminder
from govdoor.messaging.notify import notification_attempt
from govdoor.messaging.reminders import obligation_fulfil, obligation_register, reminders_due
from govdoor.messaging.tests.factories import (
    ContactPointFactory,
    OrganisationFactory,
    PersonFactory,
    PreferenceFactory,
)

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 6, 30)


def at(day: dt.date, hour: int = 8) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def register(person, **kw):
    values = {
        "source": "vehicles",
        "source_ref": "inspection:AB-123",
        "title": "Vehicle inspection",
        "due_on": DUE,
        "org": OrganisationFactory(),
    }
    values.update(kw)
    return obligation_register(person=person, **values)


def test_an_obligation_schedules_reminders_14_3_and_1_days_ahead():
    with clock.frozen_at(at(dt.date(2026, 6, 1))):
        ob = register(PersonFactory())
    assert sorted(ob.reminders.values_list("remind_on", flat=True)) == [
        dt.date(2026, 6, 16),
        dt.date(2026, 6, 27),
        dt.date(2026, 6, 29),
    ]


def test_reminders_already_in_the_past_are_not_scheduled():
    with clock.frozen_at(at(dt.date(2026, 6, 28))):
        ob = register(PersonFactory())
    assert list(ob.reminders.values_list("days_before", flat=True)) == [1]


def test_due_reminders_become_notifications_worded_in_the_persons_language():
    person = PersonFactory(language="fr")
    ContactPointFactory(person=person, kind="sms", value="+32470000003")
    with clock.frozen_at(at(dt.date(2026, 6, 1))):
        register(person)
    with clock.frozen_at(at(dt.date(2026, 6, 15))):
        assert reminders_due(dispatch=lambda ids: None) == 0
    dispatched: list[str] = []
    with clock.frozen_at(at(dt.date(2026, 6, 16))):
        assert reminders_due(dispatch=dispatched.extend) == 1
        assert reminders_due(dispatch=dispatched.extend) == 0  # not twice
        sms = Notification.objects.get(channel="sms-demo")
        assert notification_attempt(notification_id=sms.pk) == "sent"
    assert sms.body.startswith("Rappel : Vehicle inspection avant le 30 juin 2026")
    assert DemoOutboxEntry.objects.count() == 1


def test_meeting_the_obligation_cancels_the_remaining_reminders():
    person = PersonFactory()
    ContactPointFactory(person=person)
    with clock.frozen_at(at(dt.date(2026, 6, 1))):
        register(person)
    with clock.frozen_at(at(dt.date(2026, 6, 20))):
        ob = obligation_fulfil(person=person, source="vehicles", source_ref="inspection:AB-123")
    assert ob.status == Obligation.Status.FULFILLED
    assert set(ob.reminders.values_list("status", flat=True)) == {Reminder.Status.CANCELLED}
    with clock.frozen_at(at(dt.date(2026, 6, 29))):
        assert reminders_due(dispatch=lambda ids: None) == 0
    assert not Notification.objects.exists()


def test_registering_again_moves_the_deadline_instead_of_duplicating():
    person = PersonFactory()
    with clock.frozen_at(at(dt.date(2026, 6, 1))):
        register(person)
        ob = register(person, due_on=dt.date(2026, 7, 31))
    assert Obligation.objects.count() == 1
    assert min(ob.reminders.values_list("remind_on", flat=True)) == dt.date(2026, 7, 17)


def test_people_who_turned_reminders_off_get_none():
    person = PersonFactory()
    PreferenceFactory(person=person, reminders=False)
    ContactPointFactory(person=person)
    with clock.frozen_at(at(dt.date(2026, 6, 1))):
        register(person)
    with clock.frozen_at(at(dt.date(2026, 6, 29))):
        assert reminders_due(dispatch=lambda ids: None) == 3  # overdue ones close too
    assert not Notification.objects.exists()


def test_bad_obligations_are_refused_and_unknown_ones_are_not_found():
    person = PersonFactory()
    with pytest.raises(DomainError):
        register(person, source_ref="")
    with pytest.raises(NotFound):
        obligation_fulfil(person=person, source="tax", source_ref="nope")


def test_the_calendar_feed_lists_open_obligations_as_all_day_events():
    person = PersonFactory()
    with clock.frozen_at(at(dt.date(2026, 6, 1))):
        register(person, title="Tax return; part 2, with a long title " + "x" * 60)
    feed = calendar_render(Obligation.objects.select_related("organisation"), name="Deadlines")
    assert feed.startswith("BEGIN:VCALENDAR\r\n") and feed.endswith("END:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20260630" in feed and "DTEND;VALUE=DATE:20260701" in feed
    assert "SUMMARY:Tax return\\; part 2\\, with" in feed
    assert all(len(line.encode()) <= 75 for line in feed.split("\r\n"))
