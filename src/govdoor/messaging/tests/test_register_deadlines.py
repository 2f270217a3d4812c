"""Deadlines kept in base registers become obligations with reminders, follow the register's
changes through outbox events, and registers filled earlier are caught up by a scan."""

from __future__ import annotations

import datetime as dt

import pytest

from govdoor.core import clock
from govdoor.core import services as outbox
from govdoor.core.models import EventDelivery
from govdoor.messaging.models import Obligation, Reminder
from govdoor.messaging.register_deadlines import register_deadlines_scan
from govdoor.messaging.tests.factories import OrganisationFactory, PersonFactory
from govdoor.registries.models import Record
from govdoor.registries.services import record_create, record_delete, record_update, register_create
from govdoor.registries.tests.factories import keeper_caller

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 9, 1)
NOW = dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC)
S, D = {"type": "string"}, {"type": "string", "format": "date"}


@pytest.fixture(autouse=True)
def frozen_and_manual_relay(settings):
    settings.GOVDOOR_OUTBOX_RELAY_ON_COMMIT = False
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def permits():
    return register_create(
        organisation=OrganisationFactory(code="demopolis", name="Demopolis"),
        code="parking-permits",
        name="Parking permits",
        json_schema={
            "type": "object",
            "additionalProperties": False,
            "required": ["permit_number", "holder_id"],
            "properties": {"permit_number": S, "holder_id": S, "valid_until": D},
        },
        personal_fields=["holder_id"],
        subject_field="holder_id",
        subject_kind="person",
        key_field="permit_number",
    )


def relay() -> None:
    outbox.outbox_relay(dispatch=lambda _pk: None)
    for pk in EventDelivery.objects.filter(
        consumer="messaging.register-deadlines", status="pending"
    ).values_list("pk", flat=True):
        outbox.event_delivery_run(delivery_id=pk)


def permit(register, person, valid_until: str, number: str = "DP-00001") -> Record:
    data = {"permit_number": number, "holder_id": str(person.pk), "valid_until": valid_until}
    return record_create(register=register, data=data, actor=keeper_caller(register.organisation))


def test_a_permit_expiring_becomes_an_obligation_with_reminders_and_a_ledgered_read(
    permits, ledger_calls
):
    person = PersonFactory(language="fr")
    record = permit(permits, person, "2026-10-15")
    relay()
    ob = Obligation.objects.get(person=person)
    assert (ob.source, ob.source_ref, ob.due_on) == (
        "register:parking-permits",
        str(record.pk),
        dt.date(2026, 10, 15),
    )
    assert ob.organisation == permits.organisation
    assert ob.title == "Renouveler la carte de stationnement DP-00001"  # in her language
    assert sorted(ob.reminders.values_list("days_before", flat=True)) == [3, 14, 30]
    [read] = [c for c in ledger_calls if c["purpose"] == "deadline reminders"]
    assert read["subject_id"] == str(person.pk) and read["actor_org"] == "demopolis"


def test_renewing_the_permit_moves_the_reminders_and_deleting_it_cancels_them(permits):
    person = PersonFactory()
    record = permit(permits, person, "2026-10-15")
    relay()
    caller = keeper_caller(permits.organisation)
    record = record_update(
        record=record, data={"valid_until": "2027-10-15"}, actor=caller, merge=True
    )
    relay()
    ob = Obligation.objects.get(person=person)
    assert ob.due_on == dt.date(2027, 10, 15) and ob.status == "open"
    assert min(ob.reminders.values_list("remind_on", flat=True)) == dt.date(2027, 9, 15)
    record_delete(record=record, actor=caller)
    relay()
    ob.refresh_from_db()
    assert ob.status == Obligation.Status.CANCELLED
    assert set(ob.reminders.values_list("status", flat=True)) == {Reminder.Status.CANCELLED}


def test_a_change_of_another_field_does_not_read_the_record_again(permits, ledger_calls):
    person = PersonFactory()
    record = permit(permits, person, "2026-10-15")
    relay()
    reads = len([c for c in ledger_calls if c["purpose"] == "deadline reminders"])
    caller = keeper_caller(permits.organisation)
    record_update(record=record, data={"permit_number": "DP-9"}, actor=caller, merge=True)
    relay()
    assert len([c for c in ledger_calls if c["purpose"] == "deadline reminders"]) == reads


def test_a_date_already_past_or_missing_makes_no_obligation(permits):
    person = PersonFactory()
    permit(permits, person, "2026-08-01")
    record_create(
        register=permits,
        data={"permit_number": "DP-2", "holder_id": str(person.pk)},
        actor=keeper_caller(permits.organisation),
    )
    relay()
    assert not Obligation.objects.filter(status="open").exists()


def test_the_scan_catches_up_records_loaded_earlier_within_the_horizon_once(permits):
    person = PersonFactory()
    soon = permit(permits, person, "2026-10-20", number="DP-1")
    permit(permits, person, "2027-06-01", number="DP-2")  # beyond the horizon
    EventDelivery.objects.all().delete()
    from govdoor.core.models import OutboxEvent

    OutboxEvent.objects.all().delete()  # as if loaded before reminders existed
    assert register_deadlines_scan() == {"parking-permits": 1}
    assert list(Obligation.objects.values_list("source_ref", flat=True)) == [str(soon.pk)]
    assert register_deadlines_scan() == {"parking-permits": 0}


def test_registers_without_the_date_field_or_without_a_person_are_left_alone(permits):
    record_create(
        register=permits,
        data={"permit_number": "DP-3", "holder_id": "not-a-person", "valid_until": "2026-10-01"},
        actor=keeper_caller(permits.organisation),
    )
    relay()
    assert register_deadlines_scan() == {"parking-permits": 0}
    assert not Obligation.objects.exists()
