"""The ledger's tables: a queue of entries with erasable records, and the append-only tree.

Why this layout: a person's record (with its salt) must be erasable, but the tree must never
change. So an `Entry` keeps its leaf hash for good and its record only until erasure (the
one update its trigger allows), and `Span` lays the integrated entries out as the tree's
leaves (the leaf hashes are not stored a second time). `Node` keeps the complete subtrees
of levels 4 and up as they complete (levels 1 to 3 are hashed from at most 16 leaves when
read), so any proof is one query of O(log n) rows, never a rebuild. The database itself
refuses UPDATE and DELETE on the tree tables (pgtrigger on PostgreSQL, triggers created by
migrations on SQLite: 0002, 0005, 0006).
"""

from __future__ import annotations

import pgtrigger
from django.db import models

from govdoor.ledger.merkle import EMPTY_ROOT


class Head(models.Model):
    """The single row the sequencer locks: how much of the queue is in the tree.

    The cursor is the queue position (transaction id, entry id) of the last integrated
    entry: the queue is every entry after it, so sequencing never rewrites an entry row.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(default=0)
    root = models.BinaryField(max_length=32, default=EMPTY_ROOT)
    cursor_xid = models.BigIntegerField(default=0)
    cursor_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"ledger head at size {self.size}"


# The UPDATEs of an entry the database refuses: any but erasure (both record columns set to
# NULL, nothing else changed). The same condition guards SQLite (migration 0006).
ERASURE_ONLY_REFUSED = (
    'OLD."id" IS DISTINCT FROM NEW."id" OR OLD."leaf_hash" IS DISTINCT FROM NEW."leaf_hash"'
    ' OR OLD."xid" IS DISTINCT FROM NEW."xid"'
    ' OR OLD."queued_at" IS DISTINCT FROM NEW."queued_at"'
    ' OR NEW."subject_ref" IS NOT NULL OR NEW."body" IS NOT NULL'
)


class Entry(models.Model):
    """One appended entry: its leaf hash, its queue key, and its record until erasure.

    Why `xid`: entry ids come from a sequence, so a transaction can commit entries with
    lower ids after a later one has been integrated. On PostgreSQL each entry keeps the id
    of the transaction that wrote it (`pg_current_xact_id()`, the column's default there:
    migration 0006); the sequencer takes entries in (xid, id) order only from transactions
    older than every one still running, so no entry can ever appear behind its cursor.
    SQLite serialises writers and commits ids in order, so there xid is always 0 and the
    order is the id's.

    Why the record (the JCS leaf bytes, salt included) lives in the entry's row: an append
    writes one row and its indexes, not two, and a data use is read without a join. The
    record must still be erasable while the tree never changes, so the one change the
    database allows (pgtrigger on PostgreSQL, a trigger of migration 0006 on SQLite) is
    erasure: `subject_ref` and `body` set to NULL, everything else as it was. The leaf hash
    stays, so every proof still verifies.
    """

    id = models.BigAutoField(primary_key=True)
    leaf_hash = models.BinaryField(max_length=32)
    xid = models.BigIntegerField(default=0)
    queued_at = models.DateTimeField()
    # The pseudonymous subject id, beside the record (not in the tree) for "my data uses".
    # On PostgreSQL its collation is "C" (migration 0006): it is only compared for equality,
    # and byte order keeps its index cheap whatever the database's default collation is.
    subject_ref = models.CharField(max_length=64, null=True)
    body = models.TextField(null=True)

    class Meta:
        verbose_name_plural = "entries"
        indexes = [
            models.Index(fields=["xid", "id"], name="ledger_entry_queue"),
            models.Index(fields=["subject_ref", "-id"], name="ledger_entry_subject"),
        ]
        triggers = [
            pgtrigger.Protect(name="ledger_entry_no_delete", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="ledger_entry_only_erasure",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(ERASURE_ONLY_REFUSED),
            ),
        ]

    def __str__(self) -> str:
        return f"ledger entry #{self.id}"


class Span(models.Model):
    """A run of integrated entries: leaves leaf_start … leaf_start + length - 1 are the
    entries entry_start … entry_start + length - 1, in that order.

    Why spans rather than an index on every entry: the sequencer would have to rewrite each
    entry row (the costliest part of sequencing). One transaction's entries have consecutive
    ids, so a data request adds one span and a population scan a handful.
    """

    leaf_start = models.BigIntegerField(primary_key=True)
    entry_start = models.BigIntegerField(unique=True)
    length = models.BigIntegerField()

    class Meta:
        triggers = [
            pgtrigger.Protect(
                name="ledger_span_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"ledger leaves {self.leaf_start}+{self.length} = entries from {self.entry_start}"


class Node(models.Model):
    """A complete subtree of level 4 or more: level L covers 2**L leaves. The leaves are the
    entries' hashes (through the spans) and levels 1 to 3 are hashed from them (see
    `selectors.nodes_and_size`); logs written before that keep rows of those levels, which
    nothing reads."""

    pk = models.CompositePrimaryKey("level", "position")
    level = models.PositiveSmallIntegerField()
    position = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        triggers = [
            pgtrigger.Protect(
                name="ledger_node_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"ledger node ({self.level}, {self.position})"


class Checkpoint(models.Model):
    """Every published signed checkpoint, kept so auditors can check consistency over time."""

    id = models.BigAutoField(primary_key=True)
    size = models.BigIntegerField()
    root = models.BinaryField(max_length=32)
    key_name = models.CharField(max_length=200)
    note = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["-size"], name="ledger_checkpoint_size")]
        triggers = [
            pgtrigger.Protect(
                name="ledger_checkpoint_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"ledger checkpoint at size {self.size}"
