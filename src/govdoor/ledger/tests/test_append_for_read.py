"""A read and the entries of what it found (the exchange's data request): one statement on
PostgreSQL, one transaction elsewhere; entries only for keys the read's rows hold; nothing
returned when the entries cannot be written."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from govdoor.core.errors import Unavailable
from govdoor.exchange.models import DataRequest
from govdoor.ledger import merkle, services
from govdoor.ledger.models import Entry
from govdoor.ledger.tests.test_append_companions import entry, request_row

pytestmark = pytest.mark.django_db

# Two rows, keyed "a" and "b", in the second column (as a register id is in a record's row).
READ = (
    "SELECT %s AS \"x\", 'a' AS \"k\" UNION ALL SELECT %s, 'b'",
    ["first", "second"],
)
KEY = ('"k"', 1)


def test_only_the_keys_the_read_found_get_their_entries_and_the_rows_come_back():
    row = request_row()
    candidates = {"a": entry(1), "c": entry(3), "b": entry(2)}
    with CaptureQueriesContext(connection) as ctx:
        found = services.ledger_append_for_read(
            read=READ, key=KEY, entries=candidates, companions=[row]
        )
    assert sorted(found) == [("first", "a"), ("second", "b")]
    if connection.vendor == "postgresql":
        assert len(ctx.captured_queries) == 1
    subjects = sorted(Entry.objects.values_list("subject_ref", flat=True))
    assert subjects == ["person-1", "person-2"]  # not person-3: the read found no "c"
    for record in Entry.objects.all():
        assert bytes(record.leaf_hash) == merkle.leaf_hash(record.body.encode())
    assert row._state.adding is False and DataRequest.objects.filter(pk=row.pk).exists()


def test_a_read_that_finds_nothing_writes_no_entry_but_the_companions():
    row = request_row()
    empty = ('SELECT %s AS "x", \'a\' AS "k" WHERE 1 = 0', ["none"])
    assert (
        services.ledger_append_for_read(
            read=empty, key=KEY, entries={"a": entry(1)}, companions=[row]
        )
        == []
    )
    assert Entry.objects.count() == 0
    assert DataRequest.objects.filter(pk=row.pk).exists()


def test_without_candidates_the_read_still_runs_and_the_companions_are_written():
    row = request_row()
    found = services.ledger_append_for_read(read=READ, key=KEY, entries={}, companions=[row])
    assert sorted(found) == [("first", "a"), ("second", "b")]
    assert Entry.objects.count() == 0 and DataRequest.objects.filter(pk=row.pk).exists()


def test_an_unwritable_ledger_returns_nothing_and_writes_none_of_it():
    row = request_row()

    def failing(execute, sql, params, many, context):
        if 'INSERT INTO "ledger_entry"' in sql:
            raise OperationalError("disk full")
        return execute(sql, params, many, context)

    # As a caller does: its block is the one marked for rollback.
    with connection.execute_wrapper(failing), pytest.raises(Unavailable), transaction.atomic():
        services.ledger_append_for_read(
            read=READ, key=KEY, entries={"a": entry(1)}, companions=[row]
        )
    assert Entry.objects.count() == 0
    assert not DataRequest.objects.filter(pk=row.pk).exists()


def test_a_bad_entry_is_refused_before_anything_is_read_or_written():
    row = request_row()
    bad = dataclasses.replace(entry(1), subject_id=" ")
    with CaptureQueriesContext(connection) as ctx, pytest.raises(ValueError):
        services.ledger_append_for_read(read=READ, key=KEY, entries={"a": bad}, companions=[row])
    assert ctx.captured_queries == []
    assert not DataRequest.objects.filter(pk=row.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement path")
def test_two_equal_leaf_hashes_from_a_broken_random_source_disclose_nothing(monkeypatch):
    """Equal salts for the same access to the same person give equal leaf hashes: the
    statement's count of distinct hashes falls short of the entries, and nothing read is
    returned."""
    from govdoor.ledger import rows

    monkeypatch.setattr(rows.os, "urandom", lambda n: b"\x00" * n)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.ledger_append_for_read(read=READ, key=KEY, entries={"a": entry(1), "b": entry(1)})
