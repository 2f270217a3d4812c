"""The fast load: same guarantees as single writes, batch primitives equal to core's."""

import base64
import datetime as dt
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govdoor.core import clock, crypto
from govdoor.core.ids import uuid7
from govdoor.core.models import OutboxEvent
from govdoor.registries import selectors
from govdoor.registries.bulk import records_bulk_load
from govdoor.registries.loading import (
    RECORD_CONTEXT,
    VERSION_CONTEXT,
    Sealer,
    blind_indexer,
    uuid7_hex_batch,
)
from govdoor.registries.models import Record, RecordIndex, RecordVersion
from govdoor.registries.schema import SchemaViolation, merged
from govdoor.registries.tests.factories import vehicle

T0 = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)


def test_sealed_envelopes_open_with_core_crypto_under_their_own_context_only():
    sealer = Sealer(RECORD_CONTEXT)
    sealer.reserve(2)
    first, second = sealer.seal('{"a":"Chloé"}'), sealer.seal('{"a":"Chloé"}')
    assert first != second  # a fresh nonce each time
    assert crypto.decrypt(first, context=RECORD_CONTEXT) == '{"a":"Chloé"}'
    assert crypto.key_id_of(first) == crypto.keyring().active_kid
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(first, context=VERSION_CONTEXT)


def test_the_sealer_draws_more_nonces_when_its_reserve_runs_out():
    sealer = Sealer(VERSION_CONTEXT)
    envelopes = {sealer.seal(str(n)) for n in range(1500)}
    assert len(envelopes) == 1500
    nonces = {base64.urlsafe_b64decode(e.split(".")[2] + "==")[:12] for e in envelopes}
    assert len(nonces) == 1500


def test_a_rotated_keyring_seals_loads_with_the_new_key(settings):
    new, old = base64.b64encode(b"n" * 32).decode(), base64.b64encode(b"o" * 32).decode()
    settings.GOVDOOR_FIELD_KEYS = f"k2:{new},k1:{old}"
    envelope = Sealer(RECORD_CONTEXT).seal("x")
    assert crypto.key_id_of(envelope) == "k2"
    assert crypto.decrypt(envelope, context=RECORD_CONTEXT) == "x"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_the_batched_blind_index_equals_core_blind_index(value):
    purpose = "registers:population:national_id"
    assert blind_indexer(purpose)(value) == crypto.blind_index(value, purpose=purpose)


def test_batch_ids_are_unique_time_ordered_uuid7s_after_core_ones():
    before = uuid7()
    ids = [uuid.UUID(hex=h) for h in uuid7_hex_batch(10_000)]
    assert len(set(ids)) == 10_000
    assert ids == sorted(ids) and ids[0] > before
    assert {i.version for i in ids} == {7} and {i.variant for i in ids} == {uuid.RFC_4122}
    millis = ids[-1].int >> 80
    assert abs(millis - clock.now().timestamp() * 1000) < 60_000
    assert uuid7_hex_batch(0) == []


def test_a_load_lists_every_bad_row_and_writes_nothing(register, keeper):
    rows = [vehicle(1), vehicle(2, year=1), vehicle(3), vehicle(4, plate="x")]
    with pytest.raises(SchemaViolation) as info:
        records_bulk_load(register=register, rows=rows, actor=keeper)
    assert {e["field"] for e in info.value.errors} == {"/rows/2/year", "/rows/4/plate"}
    assert "2 row(s)" in str(info.value.detail)
    assert not Record.objects.exists() and not RecordVersion.objects.exists()


def test_a_load_stores_what_a_single_create_would_with_version_index_and_one_event(
    register, keeper
):
    OutboxEvent.objects.all().delete()
    with clock.frozen_at(T0):
        assert (
            records_bulk_load(
                register=register, rows=[vehicle(1), vehicle(2)], actor=keeper, reason="migration"
            )
            == 2
        )
    found = selectors.records_search(register=register, exact={"owner_national_id": "900000002"})
    record = found.get()
    assert merged(record) == vehicle(2)
    assert record.data == {"plate": "AB-002", "make": "Volvo", "year": 2010}
    assert record.subject_id == "person-2" and record.version == 1 and record.created_at == T0
    (version,) = record.versions.all()
    assert merged(version) == vehicle(2)
    assert (version.version, version.operation, version.valid_from) == (1, "import", T0)
    assert (version.changed_by_org, version.reason) == ("transport", "migration")
    assert version.changed_fields == sorted(vehicle(2))
    assert RecordIndex.objects.filter(field="owner_national_id").count() == 2
    (event,) = OutboxEvent.objects.all()
    assert event.topic == "registers.records_loaded"
    assert event.payload == {"register": "vehicles", "register_version": "1.0", "count": 2}


def test_a_load_refuses_a_caller_who_does_not_keep_the_register(register, other_org):
    from govdoor.core.errors import Refused
    from govdoor.registries.tests.factories import keeper_caller

    with pytest.raises(Refused):
        records_bulk_load(register=register, rows=[vehicle(1)], actor=keeper_caller(other_org))
    assert not Record.objects.exists()


def test_a_load_refuses_keys_repeated_in_the_rows_or_already_in_the_register(register, keeper):
    records_bulk_load(register=register, rows=[vehicle(1)], actor=keeper)
    rows = [vehicle(2), vehicle(3), vehicle(2, owner_id="person-7"), vehicle(1)]
    with pytest.raises(SchemaViolation) as info:
        records_bulk_load(register=register, rows=rows, actor=keeper)
    assert [(e["field"], e["detail"]) for e in info.value.errors] == [
        ("/rows/3/plate", "duplicate of row 1"),
        ("/rows/4/plate", "a record with this value exists already"),
    ]
    assert Record.objects.count() == 1


@pytest.mark.parametrize("key", ["owner_id", "owner_national_id"])
def test_a_load_finds_taken_keys_through_the_subject_and_the_blind_index(org, keeper, key):
    from govdoor.registries.tests.factories import vehicles_register

    register = vehicles_register(org, code=f"by-{key.replace('_', '-')}", key_field=key)
    records_bulk_load(register=register, rows=[vehicle(1)], actor=keeper)
    with pytest.raises(SchemaViolation) as info:
        records_bulk_load(register=register, rows=[vehicle(2), vehicle(1)], actor=keeper)
    assert [e["field"] for e in info.value.errors] == [f"/rows/2/{key}"]


@pytest.mark.parametrize("count, analysed", [(2, True), (1, False)])
def test_a_large_load_refreshes_the_planners_statistics_when_it_commits(
    register, keeper, monkeypatch, django_capture_on_commit_callbacks, count, analysed
):
    from govdoor.registries import loading

    monkeypatch.setattr(loading, "ANALYZE_FROM", 2)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        records_bulk_load(register=register, rows=[vehicle(n) for n in range(count)], actor=keeper)
    assert (loading.statistics_refresh in callbacks) is analysed
