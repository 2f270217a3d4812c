"""Retention purge: deleted records and superseded versions past retention are erased."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from govdoor.core import clock
from govdoor.core.models import OutboxEvent
from govdoor.registries import services
from govdoor.registries.models import CorrectionRequest, Record, RecordIndex, RecordVersion
from govdoor.registries.retention import records_purge
from govdoor.registries.tasks import records_purge_task
from govdoor.registries.tests.factories import (
    UserFactory,
    keeper_caller,
    ledger_entries_after,
    ledger_mark,
    vehicle,
    vehicles_register,
)

T0 = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)


@pytest.fixture
def kept(org):
    """Vehicles with a 30-day retention: a record deleted at T0, one alive (updated at T0)."""
    register = vehicles_register(org, retention_days=30)
    keeper = keeper_caller(org)
    with clock.frozen_at(T0 - dt.timedelta(days=100)):
        gone = services.record_create(register=register, data=vehicle(1), actor=keeper)
        alive = services.record_create(register=register, data=vehicle(2), actor=keeper)
    CorrectionRequest.objects.create(
        record=gone, requested_by=UserFactory(), proposed="{}", created_at=T0
    )
    with clock.frozen_at(T0):
        services.record_delete(record=gone, actor=keeper, reason="scrapped")
        services.record_update(
            record=alive, data=vehicle(2, owner_id="person-9"), actor=keeper, reason="sold"
        )
    OutboxEvent.objects.all().delete()
    return register, gone, alive


@pytest.fixture
def since(kept):
    """The ledger mark after the `kept` set-up: what the purge writes comes after it."""
    return ledger_mark()


def test_nothing_is_erased_before_the_retention_period_has_run(kept, since):
    register, gone, alive = kept
    with clock.frozen_at(T0 + dt.timedelta(days=29)):
        report = records_purge()
    assert (report.records, report.versions, report.ledger_entries) == (0, 0, 0)
    assert Record.objects.count() == 2 and RecordVersion.objects.count() == 4
    assert not OutboxEvent.objects.exists() and not ledger_entries_after(since).exists()


def test_a_deleted_record_is_erased_with_its_versions_index_and_corrections_after_retention(
    kept,
):
    register, gone, alive = kept
    with clock.frozen_at(T0 + dt.timedelta(days=30, seconds=1)):
        report = records_purge()
    assert report.records == 1
    assert not Record.objects.filter(pk=gone.pk).exists()
    assert not RecordVersion.objects.filter(record_id=gone.pk).exists()
    assert not RecordIndex.objects.filter(record_id=gone.pk).exists()
    assert not CorrectionRequest.objects.exists()
    assert Record.objects.filter(pk=alive.pk).exists()


def test_a_superseded_version_is_erased_but_the_current_one_stays(kept):
    register, gone, alive = kept
    with clock.frozen_at(T0 + dt.timedelta(days=31)):
        report = records_purge()
    assert report.versions == 1
    (current,) = RecordVersion.objects.filter(record=alive)
    assert current.version == 2 and current.valid_to is None
    assert RecordIndex.objects.filter(record=alive).count() == 1


def test_every_erasure_is_ledgered_as_erase_for_the_subject(kept, since):
    register, gone, alive = kept
    with clock.frozen_at(T0 + dt.timedelta(days=31)):
        report = records_purge()
    entries = sorted(
        (e.subject_ref, json.loads(e.body or "null")) for e in ledger_entries_after(since)
    )
    assert report.ledger_entries == 2
    # The superseded version belonged to the vehicle's earlier owner, not its current one.
    assert [subject for subject, _ in entries] == ["person-1", "person-2"]
    for _, body in entries:
        assert body["action"] == "erase" and body["actor"]["org"] == "transport"
        assert body["purpose"] == "retention"
        assert body["legal_basis"] == "register:vehicles:retention:30d"
        assert body["fields"] == ["owner_id", "owner_national_id"]


def test_the_purge_publishes_ids_and_counts_never_values(kept):
    register, gone, alive = kept
    with clock.frozen_at(T0 + dt.timedelta(days=31)):
        records_purge()
    events = {e.topic: e.payload for e in OutboxEvent.objects.all()}
    assert events["registers.records_purged"] == {
        "register": "vehicles",
        "register_version": "1.0",
        "record_ids": [str(gone.pk)],
        "count": 1,
    }
    assert events["registers.versions_purged"]["record_ids"] == [str(alive.pk)]
    assert "AB-001" not in json.dumps(list(events.values()))


def test_running_the_purge_twice_erases_nothing_more(kept, since):
    with clock.frozen_at(T0 + dt.timedelta(days=31)):
        records_purge()
        events, entries = OutboxEvent.objects.count(), ledger_entries_after(since).count()
        again = records_purge()
    assert (again.records, again.versions, again.ledger_entries) == (0, 0, 0)
    assert (OutboxEvent.objects.count(), ledger_entries_after(since).count()) == (events, entries)
    assert entries == 2


def test_the_purge_works_in_batches_until_everything_due_is_erased(org):
    register = vehicles_register(org, retention_days=1)
    keeper = keeper_caller(org)
    with clock.frozen_at(T0):
        for n in range(1, 6):
            record = services.record_create(register=register, data=vehicle(n), actor=keeper)
            services.record_delete(record=record, actor=keeper)
    OutboxEvent.objects.all().delete()
    with clock.frozen_at(T0 + dt.timedelta(days=2)):
        report = records_purge(batch_size=2)
    assert report.records == 5 and not Record.objects.exists()
    batches = OutboxEvent.objects.filter(topic="registers.records_purged")
    assert sorted(e.payload["count"] for e in batches) == [1, 2, 2]


def test_a_register_without_retention_keeps_everything(register, keeper):
    with clock.frozen_at(T0):
        record = services.record_create(register=register, data=vehicle(1), actor=keeper)
        services.record_delete(record=record, actor=keeper)
    with clock.frozen_at(T0 + dt.timedelta(days=10_000)):
        report = records_purge()
    assert report.registers == 0 and Record.objects.count() == 1


def test_a_register_without_personal_data_is_purged_without_ledger_entries(org):
    register = vehicles_register(
        org,
        code="plates",
        retention_days=1,
        personal_fields=[],
        indexed_fields=[],
        subject_field="",
        subject_kind="none",
        event_topics={},
    )
    keeper = keeper_caller(org)
    with clock.frozen_at(T0):
        record = services.record_create(register=register, data=vehicle(1), actor=keeper)
        services.record_delete(record=record, actor=keeper)
    mark = ledger_mark()
    with clock.frozen_at(T0 + dt.timedelta(days=2)):
        report = records_purge()
    assert report.records == 1 and report.ledger_entries == 0
    assert not ledger_entries_after(mark).exists()


def test_a_dry_run_counts_what_would_be_erased_and_erases_nothing(kept):
    with clock.frozen_at(T0 + dt.timedelta(days=31)):
        report = records_purge(dry_run=True)
    assert (report.records, report.versions, report.dry_run) == (1, 1, True)
    assert Record.objects.count() == 2 and not OutboxEvent.objects.exists()


def test_the_management_command_and_the_periodic_task_run_the_purge(kept):
    register, gone, alive = kept
    out = StringIO()
    with clock.frozen_at(T0 + dt.timedelta(days=31)):
        call_command("registers_purge", "vehicles", "--dry-run", stdout=out)
        assert "1 deleted record(s)" in out.getvalue() and "would be erased" in out.getvalue()
        assert Record.objects.count() == 2
        result = records_purge_task.delay(register_id=str(register.pk)).get()
    assert result["records"] == 1 and result["versions"] == 1
    assert not Record.objects.filter(pk=gone.pk).exists()


def test_the_command_refuses_an_unknown_register(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("registers_purge", "no-such-register", stdout=StringIO())
