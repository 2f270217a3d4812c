"""The ledger's tables: a durable queue of entries, erasable records, and the append-only tree.

Why this split: a person's record (with its salt) must be erasable, but the tree must never
change. So the record lives in `Record`, which erasure deletes from; the leaf hash lives in
`Entry` and, once integrated, in `Node` (level 0). `Node` also keeps every complete subtree
as it completes, so any proof is O(log n) reads of stored nodes, never a rebuild. The
database itself refuses UPDATE and DELETE on the tree tables (pgtrigger on PostgreSQL,
triggers created by migration 0002 on SQLite).
"""

from __future__ import annotations

import pgtrigger
from django.db import models

from govdoor.ledger.merkle import EMPTY_ROOT


class Head(models.Model):
    """The single row the sequencer locks: how much of the queue is in the tree."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(default=0)
    root = models.BinaryField(max_length=32, default=EMPTY_ROOT)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"ledger head at size {self.size}"


class Entry(models.Model):
    """One appended entry: queued with its leaf hash, then given its index by the sequencer."""

    id = models.BigAutoField(primary_key=True)
    leaf_hash = models.BinaryField(max_length=32)
    # Unique where set (constraint below): queued entries, which have none yet, stay out of
    # that index, so an append writes one index entry fewer.
    leaf_index = models.BigIntegerField(null=True, blank=True)
    queued_at = models.DateTimeField()
    integrated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(
                fields=["leaf_index"],
                condition=models.Q(leaf_index__isnull=False),
                name="ledger_entry_one_per_index",
            ),
        ]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(leaf_index__isnull=True),
                name="ledger_entry_queued",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="ledger_entry_no_delete", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="ledger_entry_integrated_once",
                operation=pgtrigger.Update,
                condition=(
                    pgtrigger.Q(old__leaf_index__isnull=False)
                    | pgtrigger.Q(old__leaf_hash__df=pgtrigger.F("new__leaf_hash"))
                    | pgtrigger.Q(old__id__df=pgtrigger.F("new__id"))
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"ledger entry {self.leaf_index if self.leaf_index is not None else 'queued'}"


class Record(models.Model):
    """The entry's record (the JCS leaf bytes, salt included); erasure deletes it."""

    # No database foreign key: a record is only ever written together with its entry (same
    # statement or same COPY batch), and entries are never deleted (trigger), so the
    # constraint would guard nothing while costing a check per row of a bulk append.
    entry = models.OneToOneField(
        Entry,
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="record",
        db_constraint=False,
    )
    # The pseudonymous subject id, beside the record (not in the tree) for "my data uses".
    # On PostgreSQL its collation is "C" (migration 0003): it is only compared for equality,
    # and byte order keeps its index cheap whatever the database's default collation is.
    subject_ref = models.CharField(max_length=64)
    body = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["subject_ref", "-entry"], name="ledger_record_subject")]

    def __str__(self) -> str:
        return f"record of ledger entry {self.entry_id}"


class Node(models.Model):
    """A complete subtree: level 0 is a leaf hash, level L covers 2**L leaves."""

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
