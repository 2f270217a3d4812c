"""Loading batch after batch with the next batch prepared in a thread: each batch exactly as
records_bulk_load would load it, in its own transaction; a refused batch stops the load."""

from __future__ import annotations

import datetime as dt

import pytest

from govdoor.core import clock
from govdoor.core.errors import Refused
from govdoor.core.models import OutboxEvent
from govdoor.registries import selectors
from govdoor.registries.models import Record, RecordIndex, RecordVersion
from govdoor.registries.pipeline import records_bulk_load_batches
from govdoor.registries.schema import SchemaViolation, merged
from govdoor.registries.tests.factories import keeper_caller, vehicle

T0 = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db(transaction=True)  # each batch commits on its own


def batches(*sizes: int) -> list[list[dict]]:
    out, n = [], 0
    for size in sizes:
        out.append([vehicle(n + i) for i in range(size)])
        n += size
    return out


def test_every_batch_is_stored_as_a_single_load_would_store_it(register, keeper):
    OutboxEvent.objects.all().delete()
    with clock.frozen_at(T0):
        loaded = records_bulk_load_batches(
            register=register, batches=iter(batches(3, 0, 4, 2)), actor=keeper, reason="migration"
        )
    assert loaded == 9
    assert Record.objects.filter(register=register).count() == 9
    assert RecordVersion.objects.filter(operation="import", valid_from=T0).count() == 9
    assert RecordIndex.objects.filter(field="owner_national_id").count() == 9
    found = selectors.records_search(register=register, exact={"owner_national_id": "900000005"})
    record = found.get()
    assert merged(record) == vehicle(5) and record.created_at == T0
    (version,) = record.versions.all()
    assert merged(version) == vehicle(5) and version.reason == "migration"
    counts = [e.payload["count"] for e in OutboxEvent.objects.order_by("id")]
    assert counts == [3, 4, 2]  # one summary event per batch that held rows


def test_a_bad_row_stops_the_load_at_its_batch_and_keeps_the_batches_before(register, keeper):
    work = batches(2, 2, 2)
    work[1][1]["year"] = "old"  # breaks the schema
    with pytest.raises(SchemaViolation) as info:
        records_bulk_load_batches(register=register, batches=work, actor=keeper)
    assert [e["field"] for e in info.value.errors] == ["/rows/2/year"]
    assert sorted(r.data["plate"] for r in Record.objects.all()) == ["AB-000", "AB-001"]
    assert RecordVersion.objects.count() == 2 and RecordIndex.objects.count() == 2


def test_a_key_loaded_by_an_earlier_batch_refuses_the_later_batch(register, keeper):
    work = batches(2, 2)
    work[1][0] = vehicle(1)  # the plate of the first batch's second row again
    with pytest.raises(SchemaViolation):
        records_bulk_load_batches(register=register, batches=work, actor=keeper)
    assert Record.objects.count() == 2


def test_only_the_keeper_loads(register, other_org):
    with pytest.raises(Refused):
        records_bulk_load_batches(
            register=register, batches=batches(1), actor=keeper_caller(other_org)
        )
    assert not Record.objects.exists()


def _planner_rows(table: str) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return float(cursor.fetchone()[0])


def test_a_large_load_has_the_statistics_refreshed_once_after_the_batch_that_makes_it_large(
    register, keeper, monkeypatch
):
    from django.db import connection

    from govdoor.registries import loading

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    monkeypatch.setattr(loading, "ANALYZE_FROM", 5)
    records_bulk_load_batches(register=register, batches=batches(3, 4, 2), actor=keeper)
    # Analysed after the second batch (7 records), not again after the third.
    assert _planner_rows("registries_record") == 7
    assert _planner_rows("registries_recordversion") == 7
