"""The database itself refuses UPDATE and DELETE on the tree tables (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from govdoor.ledger import selectors, services
from govdoor.ledger.models import Checkpoint, Entry, Node, Span


@pytest.fixture
def ledger(append):
    for _ in range(3):
        append()
    services.ledger_sequence_all()


def refused(action) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        action()


@pytest.mark.django_db
def test_nodes_cannot_be_updated_or_deleted(append):
    for _ in range(32):
        append()
    services.ledger_sequence_all()
    assert Node.objects.count() == 3  # (4, 0), (4, 1) and (5, 0); the leaves are the entries
    refused(lambda: Node.objects.filter(level=4, position=1).update(hash=b"\x00" * 32))
    refused(lambda: Node.objects.filter(level=5, position=0).delete())
    refused(lambda: Node.objects.all().delete())
    assert Node.objects.count() == 3


@pytest.mark.django_db
def test_checkpoints_cannot_be_updated_or_deleted(ledger):
    refused(lambda: Checkpoint.objects.update(note="forged"))
    refused(lambda: Checkpoint.objects.all().delete())
    assert Checkpoint.objects.filter(note__contains="forged").count() == 0


@pytest.mark.django_db
def test_an_integrated_entry_cannot_change_or_go(ledger):
    first = selectors.entry_id_at(0)
    refused(lambda: Entry.objects.filter(pk=first).update(xid=7))
    refused(lambda: Entry.objects.filter(pk=first).update(leaf_hash=b"\x01" * 32))
    refused(lambda: Entry.objects.filter(pk=first).delete())
    assert sorted(selectors.entry_indexes(Entry.objects.values_list("id", flat=True)).values()) == [
        0,
        1,
        2,
    ]


@pytest.mark.django_db
def test_spans_cannot_be_updated_or_deleted(ledger):
    refused(lambda: Span.objects.update(length=1))
    refused(lambda: Span.objects.all().delete())
    assert selectors.entry_id_at(2) is not None


@pytest.mark.django_db
def test_a_queued_entry_cannot_change_its_leaf_hash(append):
    queued = append()
    refused(lambda: Entry.objects.filter(pk=queued.id).update(leaf_hash=b"\x01" * 32))


@pytest.mark.django_db
def test_raw_sql_is_refused_too(ledger):
    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute('DELETE FROM "ledger_entry"')

    refused(raw)


@pytest.mark.django_db
def test_records_can_be_erased_and_nothing_else_about_an_entry_can_change(ledger):
    first = selectors.entry_id_at(0)
    body = Entry.objects.get(pk=first).body
    refused(lambda: Entry.objects.filter(pk=first).update(body=body.replace("read", "erase")))
    refused(lambda: Entry.objects.filter(pk=first).update(subject_ref="someone-else"))
    refused(lambda: Entry.objects.filter(pk=first).update(subject_ref=None))  # body kept
    refused(lambda: Entry.objects.filter(pk=first).update(body=None, xid=9))
    assert Entry.objects.update(subject_ref=None, body=None) == 3
    refused(lambda: Entry.objects.filter(pk=first).update(body="restored"))
    assert Entry.objects.filter(subject_ref=None, body=None).count() == 3


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_can_still_flush_the_ledger_between_tests(append):
    append()  # on commit, the sequencer runs in process and signs a checkpoint
    assert Span.objects.count() == 1 and Checkpoint.objects.count() == 1
    call_command("flush", interactive=False, verbosity=0)
    assert not Entry.objects.exists() and not Span.objects.exists()
    assert not Checkpoint.objects.exists()
