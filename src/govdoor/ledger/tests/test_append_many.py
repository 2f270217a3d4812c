"""Bulk appends (a rule run's population scan): same validation, same bytes, same tree."""

from __future__ import annotations

import json
from typing import Any

import pytest
import rfc8785
from django.db import DatabaseError, connection, transaction

from govdoor.core.errors import Unavailable
from govdoor.ledger import bulk, merkle, selectors, services
from govdoor.ledger.models import Entry, Span
from govdoor.ledger.services import LedgerEntryIn
from govdoor.ledger.tests.factories import OrganisationFactory
from govdoor.organisations.models import Organisation

pytestmark = pytest.mark.django_db

DEFAULTS: dict[str, Any] = {
    "subject_id": "0190b8c4-0000-7000-8000-000000000001",
    "actor_org": "benefits-agency",
    "actor_user": None,
    "action": "decide",
    "purpose": "child-benefit-scan",
    "legal_basis": "Child Benefit Act s. 4",
    "fields": ["children", "income"],
}


def entry(**overrides: Any) -> LedgerEntryIn:
    return LedgerEntryIn(**(DEFAULTS | overrides))


def test_many_entries_are_queued_with_the_bytes_ledger_append_would_write():
    entries = [entry(subject_id=f"person-{n}", fields=["z", "a"]) for n in range(25)]
    with transaction.atomic():
        assert services.ledger_append_many(entries=entries) == 25
    records = list(Entry.objects.order_by("id"))
    assert [r.subject_ref for r in records] == [f"person-{n}" for n in range(25)]
    for stored in records:
        body = json.loads(stored.body)
        assert list(body) == sorted(body)  # canonical: keys in JCS order
        assert stored.body.encode() == rfc8785.dumps(body)
        assert bytes(stored.leaf_hash) == merkle.leaf_hash(stored.body.encode())
        assert body["fields"] == ["a", "z"] and body["action"] == "decide"
        assert body["actor"] == {"org": "benefits-agency", "user": None}
    assert len({json.loads(r.body)["salt"] for r in records}) == 25


def test_a_large_batch_goes_through_copy_and_the_sequencer_integrates_it_all():
    count = bulk.COPY_FROM + 37  # past the threshold: COPY on PostgreSQL
    entries = [entry(subject_id=f"p{n}", actor_user=f"u{n % 3}") for n in range(count)]
    entries.append(entry(subject_id='quote"back\\slash\ttab', purpose="p\nnew line"))
    with transaction.atomic():
        assert services.ledger_append_many(entries=iter(entries)) == count + 1
    assert services.ledger_sequence_all() == count + 1
    leaves = [h for _i, h in selectors.leaves_in_order()]
    assert len(leaves) == count + 1
    assert selectors.tree_root(size=len(leaves)) == merkle.root(leaves)
    odd = Entry.objects.get(subject_ref='quote"back\\slash\ttab')
    assert json.loads(odd.body)["purpose"] == "p\nnew line"
    assert bytes(odd.leaf_hash) == merkle.leaf_hash(odd.body.encode())
    index = selectors.entry_indexes([odd.id])[odd.id]
    proof = selectors.inclusion_proof_get(index=index, tree_size_arg=len(leaves))[2]
    assert merkle.inclusion_verify(
        index=index,
        size=len(leaves),
        leaf=leaves[index],
        proof=proof,
        root_hash=merkle.root(leaves),
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ids with gaps: a sequence")
def test_many_runs_of_entries_are_stored_as_spans_by_copy_and_each_leaf_maps_to_its_entry():
    """Entries whose ids are not consecutive (other transactions took the ids between) need
    a span each; from COPY_FROM spans on, the sequencer writes them with COPY."""
    count = bulk.COPY_FROM + 3
    ids = []
    for n in range(count):
        with transaction.atomic():
            ids.append(services.ledger_append(**(DEFAULTS | {"subject_id": f"s{n}"})).id)
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence('ledger_entry', 'id'))")
    assert services.ledger_sequence_all() == count
    assert list(Span.objects.order_by("leaf_start").values_list("entry_start", "length")) == [
        (i, 1) for i in ids
    ]
    indexes = selectors.entry_indexes(ids)
    assert [indexes[i] for i in ids] == list(range(count))
    leaves = [bytes(Entry.objects.get(pk=i).leaf_hash) for i in ids]
    assert selectors.tree_root(size=count) == merkle.root(leaves)


def test_the_persons_data_uses_page_shows_bulk_entries(person_client):
    person = person_client.person
    with transaction.atomic():
        services.ledger_append_many(entries=[entry(subject_id=str(person.pk))])
    rows = person_client.get("/api/v1/me/data-uses").json()["results"]
    assert [(r["org"], r["purpose"], r["action"]) for r in rows] == [
        ("benefits-agency", "child-benefit-scan", "decide")
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("action", "peek"),
        ("purpose", "   "),
        ("legal_basis", ""),
        ("subject_id", ""),
        ("subject_id", "x" * 65),
        ("actor_org", ""),
        ("fields", ["income", ""]),
    ],
)
def test_one_bad_entry_refuses_the_whole_batch_and_queues_nothing(field, value):
    entries = [entry(), entry(**{field: value}), entry()]
    with pytest.raises(ValueError), transaction.atomic():
        services.ledger_append_many(entries=entries)
    assert not Entry.objects.exists()


def test_fields_given_as_one_string_are_refused():
    with pytest.raises(ValueError):
        entry(fields="income")


@pytest.mark.django_db(transaction=True)
def test_bulk_appends_outside_a_transaction_are_refused():
    with pytest.raises(RuntimeError):
        services.ledger_append_many(entries=[entry()])
    assert not Entry.objects.exists()


def test_an_empty_batch_writes_nothing():
    with transaction.atomic():
        assert services.ledger_append_many(entries=[]) == 0
    assert not Entry.objects.exists()


def test_when_the_ledger_cannot_be_written_the_bulk_callers_transaction_fails_closed():
    def wrapper(execute, sql, params, many, context):
        if "ledger_entry" in sql:
            raise DatabaseError("disk full")
        return execute(sql, params, many, context)

    with (
        connection.execute_wrapper(wrapper),
        pytest.raises(Unavailable) as raised,
        transaction.atomic(),
    ):
        OrganisationFactory(code="scan-writer")
        services.ledger_append_many(entries=[entry(), entry()])
    assert raised.value.status_code == 503
    assert not Entry.objects.exists()
    assert not Organisation.objects.filter(code="scan-writer").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_a_failing_copy_fails_closed_too():
    with transaction.atomic():
        first = services.ledger_append_many(entries=[entry()])
    assert first == 1
    taken = Entry.objects.get().pk
    with connection.cursor() as cursor:  # the next id collides: a real database error in COPY
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('ledger_entry', 'id'), %s, false)", [taken]
        )
    with pytest.raises(Unavailable), transaction.atomic():
        OrganisationFactory(code="copy-writer")
        services.ledger_append_many(entries=[entry() for _ in range(bulk.COPY_FROM)])
    assert Entry.objects.count() == 1
    assert not Organisation.objects.filter(code="copy-writer").exists()


def test_a_bad_entry_after_a_written_chunk_still_leaves_nothing_committed(monkeypatch):
    monkeypatch.setattr(services, "MANY_CHUNK", 2)  # the first two entries are written first
    entries = [entry(), entry(), entry(action="peek")]
    with transaction.atomic():
        with pytest.raises(ValueError):
            services.ledger_append_many(entries=entries)
        assert transaction.get_rollback()  # the caller cannot commit the first chunk
    assert not Entry.objects.exists()


def test_the_same_kind_of_access_at_another_time_gets_that_time_and_a_bad_one_is_still_refused():
    """The checked shared part of an entry is kept per process; its time never is."""
    from govdoor.ledger.rows import prefix_checked

    first = prefix_checked(entry(), "2030-01-01T00:00:00.000000Z")
    later = prefix_checked(entry(), "2030-01-02T00:00:00.000000Z")
    assert first.replace("2030-01-01", "2030-01-02") == later != first
    for bad in ({"purpose": ["not", "text"]}, {"purpose": " "}, {"fields": [""]}):
        with pytest.raises(ValueError):
            prefix_checked(entry(**bad), "2030-01-01T00:00:00.000000Z")
