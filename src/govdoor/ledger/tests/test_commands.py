"""The operators' commands: ledger_verify catches tampering; ledger_sequence integrates."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, models

from govdoor.ledger import merkle, selectors, services
from govdoor.ledger.models import Checkpoint, Entry, Head, Node, Span
from govdoor.ledger.tests.tampering import triggers_off

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(append):
    for batch in (3, 4, 6):  # three sequencing runs: three checkpoints to check for consistency
        for _ in range(batch):
            append()
        services.ledger_sequence_all()


def verify(*args: str) -> str:
    out = io.StringIO()
    call_command("ledger_verify", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_an_untouched_ledger_verifies(log):
    assert "13 entries, 3 checkpoints" in verify()


def test_an_empty_ledger_verifies():
    assert "0 entries" in verify()


def test_a_changed_leaf_hash_is_found(log):
    with triggers_off("ledger_entry"):
        Entry.objects.filter(pk=selectors.entry_id_at(5)).update(leaf_hash=b"\x07" * 32)
    with pytest.raises(CommandError):
        verify()


def test_a_leaf_rewritten_with_all_its_ancestors_is_found_by_the_checkpoints(log):
    forged = merkle.leaf_hash(b"forged")
    with triggers_off("ledger_entry"):
        # levels 1 to 3 are not stored: the forged leaf alone makes a consistent tree (its
        # record erased, so the record cannot give the forgery away)
        Entry.objects.filter(pk=selectors.entry_id_at(2)).update(
            leaf_hash=forged, subject_ref=None, body=None
        )
    with pytest.raises(CommandError) as raised:
        verify()
    assert "failed" in str(raised.value)


@pytest.mark.parametrize("leaf", [5, 12])
def test_a_missing_leaf_is_found(log, leaf):
    with triggers_off("ledger_entry"):
        Entry.objects.filter(pk=selectors.entry_id_at(leaf)).delete()
    with pytest.raises(CommandError):
        verify()


def test_a_missing_stored_subtree_is_found(log, append):
    for _ in range(20):
        append()
    services.ledger_sequence_all()
    assert "33 entries" in verify()
    with triggers_off("ledger_node"):
        Node.objects.filter(level=4, position=1).delete()
    with pytest.raises(CommandError):
        verify()


def test_a_changed_stored_subtree_is_found(log, append):
    for _ in range(20):
        append()
    services.ledger_sequence_all()
    with triggers_off("ledger_node"):
        Node.objects.filter(level=5, position=0).update(hash=b"\x05" * 32)
    with pytest.raises(CommandError):
        verify()


def test_an_entry_missing_from_the_spans_is_found(log):
    with triggers_off("ledger_span"):
        Span.objects.filter(leaf_start=Span.objects.order_by("-leaf_start")[0].leaf_start).update(
            length=models.F("length") - 1
        )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ledger_verify", stdout=io.StringIO(), stderr=err)
    # The leaves are laid out by the spans: the tree looks one leaf short of the queue it
    # integrated and of the head.
    assert "13 entries lie up to the sequencer's cursor, the tree holds 12" in err.getvalue()
    assert "the head does not match the stored tree" in err.getvalue()


def test_an_entry_moved_past_the_sequencers_cursor_is_found(log):
    head = Head.objects.get(pk=1)
    Head.objects.filter(pk=1).update(cursor_id=head.cursor_id - 1)
    with pytest.raises(CommandError):
        verify()


def test_a_span_pointing_at_missing_entries_is_found(log):
    last = Span.objects.order_by("-leaf_start")[0]
    with triggers_off("ledger_span"):
        Span.objects.filter(leaf_start=last.leaf_start).update(entry_start=10**12)
    with pytest.raises(CommandError):
        verify()
    with pytest.raises(CommandError):
        verify()


def test_a_forged_checkpoint_is_found(log):
    latest = Checkpoint.objects.order_by("-size").first()
    with triggers_off("ledger_checkpoint"):
        Checkpoint.objects.filter(pk=latest.pk).update(note=latest.note.replace("\n13\n", "\n12\n"))
    with pytest.raises(CommandError):
        verify()


def test_a_changed_record_is_found(log):
    record = Entry.objects.order_by("id").first()
    with triggers_off("ledger_entry"):
        Entry.objects.filter(pk=record.pk).update(body=record.body.replace("read", "erase"))
    with pytest.raises(CommandError):
        verify()


def test_erasure_is_not_tampering(log):
    for subject in set(Entry.objects.values_list("subject_ref", flat=True)):
        services.ledger_erase_subject(subject_id=subject)
    assert not Entry.objects.exclude(body=None).exists()
    assert "13 entries" in verify()


def test_a_given_checkpoint_file_is_verified(log, tmp_path):
    good = tmp_path / "checkpoint.txt"
    good.write_text(Checkpoint.objects.order_by("size").first().note)
    assert "13 entries" in verify("--checkpoint", str(good))
    forged = tmp_path / "forged.txt"
    forged.write_text(good.read_text().replace("\n3\n", "\n4\n"))
    with pytest.raises(CommandError):
        verify("--checkpoint", str(forged))
    with pytest.raises(CommandError):
        verify("--checkpoint", str(tmp_path / "missing.txt"))


def test_a_checkpoint_from_a_different_history_is_found(log, tmp_path, settings):
    from govdoor.ledger import notes

    body = notes.CheckpointBody(origin=notes.key_name(), size=5, root=merkle.leaf_hash(b"other"))
    other = tmp_path / "other.txt"
    other.write_text(notes.note_sign(body, name=notes.key_name(), key=notes.signing_key()))
    with pytest.raises(CommandError):
        verify("--checkpoint", str(other))


def test_ledger_sequence_integrates_the_queue(append):
    for _ in range(4):
        append()
    out = io.StringIO()
    call_command("ledger_sequence", stdout=out)
    assert "integrated 4 entries" in out.getvalue()
    assert selectors.tree_size() == Entry.objects.count()


def test_tampering_helpers_really_bypass_the_triggers(log):
    # guards the tests above: without triggers_off the same change is refused
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(pk=selectors.entry_id_at(5)).update(leaf_hash=b"\x07" * 32)
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(pk=selectors.entry_id_at(12)).update(xid=1)
    assert connection.vendor in {"sqlite", "postgresql"}


def test_the_sequencer_task_is_on_a_one_second_beat_and_integrates_the_queue(append, settings):
    from govdoor.ledger.tasks import ledger_sequence_task

    assert settings.CELERY_BEAT_SCHEDULE["ledger-sequence"] == {
        "task": "ledger.sequence",
        "schedule": 1.0,
    }
    assert ledger_sequence_task.name == "ledger.sequence"
    append()
    append()
    assert ledger_sequence_task.apply().get() == 2
    assert selectors.tree_size() == Entry.objects.count()
