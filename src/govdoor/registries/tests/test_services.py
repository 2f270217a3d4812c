import datetime as dt

import pytest
from django.db import connection

from govdoor.core import clock
from govdoor.core.errors import Conflict, DomainError, Refused
from govdoor.core.models import OutboxEvent
from govdoor.registries import selectors, services
from govdoor.registries.models import Record, RecordVersion
from govdoor.registries.schema import PreconditionFailed, SchemaViolation, merged
from govdoor.registries.selectors import Caller
from govdoor.registries.tests.factories import (
    VEHICLE_SCHEMA,
    keeper_caller,
    ledger_entries_after,
    ledger_mark,
    vehicle,
)

T0 = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)


def test_a_record_that_breaks_the_schema_names_every_failing_field_and_writes_nothing(
    register, keeper
):
    bad = {"plate": "nope", "year": 1800, "owner_id": "p1", "colour": "red"}
    with pytest.raises(SchemaViolation) as info:
        services.record_create(register=register, data=bad, actor=keeper)
    fields = {(e["field"], e["detail"].split(":")[0]) for e in info.value.errors}
    assert fields == {
        ("/plate", "pattern"),
        ("/year", "minimum"),
        ("/make", "required"),
        ("/colour", "additionalProperties"),
    }
    assert Record.objects.count() == 0


def test_personal_fields_are_sealed_and_found_only_through_the_blind_index(register, keeper):
    record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    with connection.cursor() as cursor:
        cursor.execute("SELECT personal FROM registries_record")
        stored = cursor.fetchone()[0]
    assert "900000001" not in stored and stored.startswith("g1.")
    assert "owner_national_id" not in record.data
    found = selectors.records_search(register=register, exact={"owner_national_id": "900000001"})
    assert list(found) == [record]
    assert not selectors.records_search(
        register=register, exact={"owner_national_id": "900000002"}
    ).exists()


def test_a_prefix_search_on_a_personal_field_is_refused_with_the_reason(register):
    with pytest.raises(DomainError) as info:
        selectors.records_search(register=register, prefix={"owner_national_id": "9"})
    assert info.value.field == "owner_national_id"
    assert "exact" in info.value.detail


def test_prefix_search_on_plain_fields_finds_matches(register, keeper):
    services.record_create(register=register, data=vehicle(1, make="Volvo"), actor=keeper)
    services.record_create(register=register, data=vehicle(2, make="Saab"), actor=keeper)
    assert selectors.records_search(register=register, prefix={"make": "Vo"}).count() == 1


def test_history_keeps_every_version_and_as_of_reads_the_old_one(register, keeper):
    with clock.frozen_at(T0):
        record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    with clock.frozen_at(T0 + dt.timedelta(days=10)):
        services.record_update(
            record=record, data={"make": "Saab"}, actor=keeper, merge=True, reason="owner reported"
        )
    old = selectors.record_read_as_of(record=record, at=T0 + dt.timedelta(days=5), caller=keeper)
    new = selectors.record_read_as_of(record=record, at=T0 + dt.timedelta(days=11), caller=keeper)
    assert old["make"] == "Volvo" and new["make"] == "Saab"
    history = selectors.record_history(record=record, caller=keeper)
    assert [(v.version, v.operation, v.changed_fields) for v in history] == [
        (1, "create", sorted(vehicle(1))),
        (2, "update", ["make"]),
    ]
    assert history[1].reason == "owner reported" and history[0].valid_to == history[1].valid_from


def test_an_as_of_read_before_the_record_existed_is_not_found(register, keeper):
    with clock.frozen_at(T0):
        record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    with pytest.raises(selectors.NotFound):
        selectors.record_read_as_of(record=record, at=T0 - dt.timedelta(days=1), caller=keeper)


def test_a_stale_version_loses_with_precondition_failed(register, keeper):
    record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    services.record_update(
        record=record, data={"year": 2011}, actor=keeper, merge=True, expected_version=1
    )
    stale = Record.objects.get(pk=record.pk)
    with pytest.raises(PreconditionFailed):
        services.record_update(
            record=stale, data={"year": 2012}, actor=keeper, merge=True, expected_version=1
        )
    assert Record.objects.get(pk=record.pk).version == 2


def test_soft_delete_keeps_history_and_leaves_searches(register, keeper):
    record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    services.record_delete(record=record, actor=keeper, reason="scrapped")
    assert not selectors.records_search(register=register).exists()
    ops = list(RecordVersion.objects.filter(record=record).values_list("operation", flat=True))
    assert ops == ["create", "delete"]


def test_changes_publish_ids_and_field_names_but_never_values(register, keeper):
    record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    OutboxEvent.objects.all().delete()
    services.record_update(record=record, data={"owner_id": "person-9"}, actor=keeper, merge=True)
    events = {e.topic: e.payload for e in OutboxEvent.objects.all()}
    assert set(events) == {"registers.record_updated", "vehicles.owner_changed"}
    assert events["vehicles.owner_changed"]["fields"] == ["owner_id"]
    assert "person-9" not in str(events["registers.record_updated"]["fields"])
    assert "Volvo" not in str(events)


def test_a_schema_change_that_breaks_records_is_refused_with_the_count(register, keeper):
    for n in (1, 2, 3):
        services.record_create(register=register, data=vehicle(n, year=2000 + n), actor=keeper)
    stricter = {
        **VEHICLE_SCHEMA,
        "properties": {
            **VEHICLE_SCHEMA["properties"],
            "year": {"type": "integer", "minimum": 2002},
        },
    }
    with pytest.raises(Conflict) as info:
        services.register_schema_update(register=register, json_schema=stricter, actor=keeper)
    assert "1 existing record" in info.value.detail
    looser = {
        **VEHICLE_SCHEMA,
        "properties": {
            **VEHICLE_SCHEMA["properties"],
            "year": {"type": "integer", "minimum": 1990},
        },
    }
    services.register_schema_update(register=register, json_schema=looser, actor=keeper)


def test_an_invalid_json_schema_is_refused(org):
    with pytest.raises(SchemaViolation):
        services.register_create(
            organisation=org,
            code="bad",
            name="Bad",
            json_schema={"type": "object", "properties": {"a": {"type": 5}}},
        )


def test_only_the_keeper_writes(register, other_org):
    with pytest.raises(Refused):
        services.record_create(register=register, data=vehicle(1), actor=keeper_caller(other_org))


def test_a_keeper_read_of_personal_data_writes_one_ledger_entry(register, keeper):
    record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    mark = ledger_mark()
    data = selectors.record_read_for(record=record, caller=keeper)
    assert data["owner_national_id"] == "900000001"
    (entry,) = ledger_entries_after(mark)
    assert entry.subject_ref == "person-1" and entry.body is not None
    assert '"action":"read"' in entry.body and "900000001" not in entry.body


def test_another_agency_without_a_grant_is_refused_and_nothing_is_logged(
    register, keeper, other_org
):
    record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    mark = ledger_mark()
    with pytest.raises(Refused):
        selectors.record_read_for(record=record, caller=keeper_caller(other_org))
    assert not ledger_entries_after(mark).exists()


def test_staff_of_the_owner_without_the_keeper_role_cannot_read_personal_records(
    register, keeper, org
):
    record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    clerk = Caller(organisation=org, user_id="u1", roles=frozenset({"case_worker"}))
    with pytest.raises(Refused):
        selectors.record_read_for(record=record, caller=clerk)


def test_when_the_ledger_cannot_write_nothing_is_disclosed(register, keeper, monkeypatch):
    from govdoor.core.errors import Unavailable

    record = services.record_create(register=register, data=vehicle(1), actor=keeper)

    def broken(**kwargs):
        raise Unavailable("ledger down")

    monkeypatch.setattr(selectors, "_ledger_append_many", lambda: broken)
    with pytest.raises(Unavailable):
        selectors.record_read_for(record=record, caller=keeper)


def test_a_duplicate_key_is_a_conflict(register, keeper):
    services.record_create(register=register, data=vehicle(1), actor=keeper)
    with pytest.raises(Conflict):
        services.record_create(register=register, data=vehicle(1, owner_id="x"), actor=keeper)


def test_the_subject_field_is_found_through_the_subject_id_column(register, keeper):
    record = services.record_create(register=register, data=vehicle(4), actor=keeper)
    assert list(selectors.records_search(register=register, exact={"owner_id": "person-4"})) == [
        record
    ]
    assert not selectors.records_search(register=register, exact={"owner_id": "person-5"}).exists()


def test_a_bulk_load_refuses_a_bad_row_naming_the_row_and_field(register, keeper):
    from govdoor.registries.bulk import records_bulk_load

    with pytest.raises(SchemaViolation) as info:
        records_bulk_load(register=register, rows=[vehicle(1), vehicle(2, year=1)], actor=keeper)
    assert info.value.errors[0]["field"] == "/rows/2/year"
    assert Record.objects.count() == 0
    assert records_bulk_load(register=register, rows=[vehicle(1), vehicle(2)], actor=keeper) == 2
    found = selectors.records_search(register=register, exact={"owner_national_id": "900000002"})
    assert selectors.record_read_for(record=found.get(), caller=keeper)["plate"] == "AB-002"


def test_an_exchange_grant_lets_another_agency_read_and_is_ledgered_as_disclose(
    register, keeper, other_org, monkeypatch
):
    record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    asked = {}

    def grant(*, caller, register, fields):
        asked.update(org=caller.organisation.code, fields=list(fields))
        return True

    monkeypatch.setattr(selectors, "_exchange_grant_allows", grant)
    mark = ledger_mark()
    data = selectors.record_read_for(record=record, caller=keeper_caller(other_org))
    assert data["plate"] == "AB-001"
    assert asked == {"org": "tax", "fields": ["owner_id", "owner_national_id"]}
    (entry,) = ledger_entries_after(mark)
    assert '"action":"disclose"' in (entry.body or "") and '"org":"tax"' in (entry.body or "")


def test_a_bulk_load_keeps_text_with_tabs_backslashes_and_accents_intact(register, keeper):
    from govdoor.registries.bulk import records_bulk_load

    odd = "Chloé\t\\n\nline"
    records_bulk_load(register=register, rows=[vehicle(1, make=odd, owner_id=odd)], actor=keeper)
    record = Record.objects.get()
    assert selectors.record_read_for(record=record, caller=keeper)["make"] == odd
    assert selectors.record_read_for(record=record, caller=keeper)["owner_id"] == odd


def test_a_subjects_records_are_read_with_one_entry_per_register_as_the_orm_would_load_them(
    register, keeper, org
):
    from django.test.utils import CaptureQueriesContext

    from govdoor.registries.tests.factories import vehicles_register

    other = vehicles_register(org, code="fleet")
    empty = vehicles_register(org, code="empty")
    mine = [
        services.record_create(register=register, data=vehicle(1), actor=keeper),
        services.record_create(
            register=register, data=vehicle(2, owner_id="person-1"), actor=keeper
        ),
        services.record_create(register=other, data=vehicle(3, owner_id="person-1"), actor=keeper),
    ]
    gone = services.record_create(
        register=register, data=vehicle(4, owner_id="person-1"), actor=keeper
    )
    services.record_delete(record=gone, actor=keeper, reason="scrapped")
    services.record_create(register=register, data=vehicle(5), actor=keeper)  # someone else
    mark = ledger_mark()
    names = {register.code: {"plate", "owner_id"}, other.code: {"plate"}, empty.code: {"plate"}}
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.subject_records_read_for(
            registers=[register, other, empty], subject_id="person-1", caller=keeper, names=names
        )
    if connection.vendor == "postgresql":
        assert len(ctx.captured_queries) == 1  # the read and its entries
    assert [r.id for r in found] == sorted(r.pk for r in mine)
    for record in found:
        assert set(record.values) == names[record.register.code]
    # One entry per register that holds a record about them (not `empty`), each naming the
    # personal fields asked of it.
    bodies = [e.body or "" for e in ledger_entries_after(mark)]
    assert len(bodies) == 2
    assert all('"subject":"person-1"' in b and '"action":"read"' in b for b in bodies)
    assert sorted(
        b.count('"fields":["owner_id"]') + 2 * b.count('"fields":[]') for b in bodies
    ) == [
        1,
        2,
    ]
    loaded = {r.pk: r for r in Record.objects.filter(pk__in=[r.pk for r in mine])}
    for record in found:
        orm = loaded[record.id]
        # The values as the ORM's record holds them (plain and opened personal), narrowed to
        # those asked, and the register the record is in.
        wanted = names[record.register.code]
        assert record.values == {k: v for k, v in merged(orm).items() if k in wanted}
        assert record.register in (register, other) and record.register.pk == orm.register_id
    with pytest.raises(ValueError):
        selectors.subject_records_read_for(
            registers=[], subject_id="person-1", caller=keeper, names={}
        )


def test_a_caller_that_goes_on_after_the_ledger_refused_a_read_keeps_its_transaction(
    register, keeper
):
    from django.db import OperationalError, transaction

    from govdoor.core.errors import Unavailable

    record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    mark = ledger_mark()

    def ledger_down(execute, sql, params, many, context):
        if "ledger_entry" in sql:
            raise OperationalError("disk full")
        return execute(sql, params, many, context)

    with transaction.atomic():
        with connection.execute_wrapper(ledger_down), pytest.raises(Unavailable):
            selectors.record_read_for(record=record, caller=keeper)
        assert Record.objects.filter(pk=record.pk).exists()  # the transaction is usable
    assert not ledger_entries_after(mark).exists()
