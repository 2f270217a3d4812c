"""Appending, sequencing, storage-backed proofs and erasure."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json

import pytest
import rfc8785
from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from govdoor.core import clock
from govdoor.core.errors import Unavailable
from govdoor.ledger import merkle, selectors, services
from govdoor.ledger.models import Entry, Node
from govdoor.ledger.tests.factories import OrganisationFactory
from govdoor.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_an_append_queues_the_record_exactly_as_the_spec_spells_it(append):
    moment = dt.datetime(2026, 11, 23, 10, 15, 0, 123456, tzinfo=dt.UTC)
    with clock.frozen_at(moment):
        queued = append(fields=["zeta", "alpha"], actor_user="u-1")
    record = queued.record
    assert list(record) == [
        "v",
        "at",
        "subject",
        "actor",
        "action",
        "purpose",
        "legal_basis",
        "fields",
        "salt",
    ]
    assert record["v"] == 1
    assert record["at"] == "2026-11-23T10:15:00.123456Z"
    assert record["actor"] == {"org": "tax-agency", "user": "u-1"}
    assert record["fields"] == ["alpha", "zeta"]
    assert len(base64.b64decode(record["salt"], validate=True)) == 32
    stored = Entry.objects.get(pk=queued.id)
    assert stored.body.encode() == rfc8785.dumps(record)
    assert queued.leaf_hash == merkle.leaf_hash(stored.body.encode())
    assert bytes(Entry.objects.get(pk=queued.id).leaf_hash) == queued.leaf_hash
    assert selectors.entry_indexes([queued.id]) == {}


def test_the_timestamp_keeps_six_digits_of_microseconds_even_when_they_are_zero(append):
    with clock.frozen_at(dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)):
        assert append().record["at"] == "2026-01-02T03:04:05.000000Z"


def test_two_appends_of_the_same_access_get_different_salts_and_leaves(append):
    first, second = append(), append()
    assert first.record["salt"] != second.record["salt"]
    assert first.leaf_hash != second.leaf_hash


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("action", "peek"),
        ("action", ""),
        ("purpose", ""),
        ("purpose", "   "),
        ("legal_basis", ""),
        ("subject_id", ""),
        ("actor_org", ""),
        ("fields", "income"),
        ("fields", ["income", ""]),
    ],
)
def test_an_append_with_a_bad_argument_is_refused_and_queues_nothing(append, field, value):
    with pytest.raises(ValueError):
        append(**{field: value})
    assert not Entry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_append_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        services.ledger_append(
            subject_id="s",
            actor_org="o",
            actor_user=None,
            action="read",
            purpose="p",
            legal_basis="l",
            fields=[],
        )


def _failing_on(table: str):
    """An execute wrapper that makes every statement touching `table` fail (a full disk)."""

    def wrapper(execute, sql, params, many, context):
        if table in sql:
            raise DatabaseError("disk full")
        return execute(sql, params, many, context)

    return connection.execute_wrapper(wrapper)


def test_when_the_ledger_cannot_be_written_the_callers_transaction_fails_closed():
    disclosed = []
    with _failing_on("ledger_entry"), pytest.raises(Unavailable) as raised, transaction.atomic():
        OrganisationFactory(code="caller-write")  # the caller's own write in the same transaction
        services.ledger_append(
            subject_id="s",
            actor_org="o",
            actor_user=None,
            action="disclose",
            purpose="p",
            legal_basis="l",
            fields=["a"],
        )
        disclosed.append("data")  # never reached: the caller discloses nothing
    assert raised.value.status_code == 503
    assert disclosed == []
    assert not Entry.objects.exists()
    assert not Organisation.objects.filter(code="caller-write").exists()


def test_a_caller_that_swallows_the_failure_still_cannot_commit_the_access():
    with transaction.atomic():
        OrganisationFactory(code="caller-swallows")
        with _failing_on("ledger_entry"), contextlib.suppress(Unavailable):
            services.ledger_append(
                subject_id="s",
                actor_org="o",
                actor_user=None,
                action="disclose",
                purpose="p",
                legal_basis="l",
                fields=["a"],
            )
        with pytest.raises(TransactionManagementError):
            Organisation.objects.count()  # the block is marked for rollback
    assert not Organisation.objects.filter(code="caller-swallows").exists()
    assert not Entry.objects.exists()


def test_one_append_is_one_statement():
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        services.ledger_append(
            subject_id="s",
            actor_org="o",
            actor_user=None,
            action="read",
            purpose="p",
            legal_basis="l",
            fields=["a"],
        )
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    assert len(statements) == 1


def test_sequencing_gives_contiguous_indexes_in_append_order(append):
    queued = [append() for _ in range(5)]
    assert services.ledger_sequence() == 5
    assert services.ledger_sequence() == 0
    by_id = selectors.entry_indexes(q.id for q in queued)
    indexes = [by_id[q.id] for q in queued]
    assert indexes == [0, 1, 2, 3, 4]
    assert selectors.tree_size() == 5


def test_stored_nodes_give_the_same_roots_and_proofs_as_the_rfc_for_every_size(append):
    leaves: list[bytes] = []
    for n in range(1, 20):
        leaves.append(append().leaf_hash)
        services.ledger_sequence(limit=1 if n % 3 else 3)
    services.ledger_sequence_all()
    assert selectors.tree_size() == len(leaves)
    for n in range(1, len(leaves) + 1):
        assert selectors.tree_root(size=n) == merkle.root(leaves[:n])
        for m in range(n):
            assert selectors.inclusion_proof_get(index=m, tree_size_arg=n)[2] == (
                merkle.inclusion_proof(m, leaves[:n])
            )
        for m in range(1, n + 1):
            assert selectors.consistency_proof_get(first=m, second=n)[2] == (
                merkle.consistency_proof(m, leaves[:n])
            )


def test_only_complete_subtrees_are_stored(append):
    for _ in range(6):
        append()
    services.ledger_sequence_all()
    # The leaves are the entries' hashes; levels 1 to 3 are hashed from them when read.
    assert not Node.objects.exists()
    for _ in range(34 - 6):
        append()
    services.ledger_sequence_all()
    keys = set(Node.objects.values_list("level", "position"))
    assert keys == {(4, 0), (4, 1), (5, 0)}
    assert [i for i, _h in selectors.leaves_in_order()] == list(range(34))


def test_a_proof_reads_a_bounded_number_of_rows(append, django_assert_max_num_queries):
    for _ in range(33):
        append()
    services.ledger_sequence_all()
    with django_assert_max_num_queries(2):
        selectors.inclusion_proof_get(index=17, tree_size_arg=33)


def test_erasing_a_person_deletes_their_records_but_every_proof_still_verifies(append):
    erased_subject, other = "subject-erased", "subject-kept"
    for i in range(7):
        append(subject_id=erased_subject if i % 2 else other)
    services.ledger_sequence_all()
    leaves = [h for _i, h in selectors.leaves_in_order()]
    root = selectors.tree_root(size=7)

    assert services.ledger_erase_subject(subject_id=erased_subject) == 3

    assert not Entry.objects.filter(subject_ref=erased_subject).exists()
    assert Entry.objects.filter(subject_ref=other).count() == 4
    assert Entry.objects.filter(subject_ref=None, body=None).count() == 3
    assert Entry.objects.count() == 7  # the entries (and their leaf hashes) stay
    bodies = Entry.objects.exclude(body=None).values_list("body", flat=True)
    assert not any(erased_subject in body for body in bodies)
    assert selectors.tree_root(size=7) == root
    for m in range(7):
        proof = selectors.inclusion_proof_get(index=m, tree_size_arg=7)[2]
        assert merkle.inclusion_verify(index=m, size=7, leaf=leaves[m], proof=proof, root_hash=root)
    erased = selectors.entry_get(index=1)
    assert erased.record is None and erased.leaf_hash == leaves[1]


def test_a_queued_entry_erased_before_sequencing_still_enters_the_tree(append):
    queued = append(subject_id="gone")
    services.ledger_erase_subject(subject_id="gone")
    services.ledger_sequence_all()
    assert list(selectors.leaves_in_order()) == [(0, queued.leaf_hash)]


def test_each_sequencing_publishes_a_signed_checkpoint_of_the_new_size(append):
    append()
    append()
    services.ledger_sequence_all()
    latest = selectors.checkpoint_latest()
    assert latest is not None and latest.size == 2
    assert bytes(latest.root) == selectors.tree_root(size=2)
    assert services.checkpoint_sign().pk == latest.pk  # nothing new: no new checkpoint


def test_the_record_is_json_with_no_personal_data_beyond_the_pseudonymous_subject(append):
    queued = append(subject_id="0190b8c4-0000-7000-8000-00000000abcd")
    body = json.loads(Entry.objects.get(pk=queued.id).body)
    assert body["subject"] == "0190b8c4-0000-7000-8000-00000000abcd"
