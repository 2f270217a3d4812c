"""Checking the stored ledger end to end (the `ledger_verify` command).

Why level by level, streaming: a log of ten million entries has twenty million nodes. Each
level is recomputed from the stored level below, reading both in position order, so memory
stays constant; with every level matching, the stored tree *is* the tree of the leaf hashes,
and each checkpoint's signature, root and consistency with its predecessor is then checked
against it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from govdoor.ledger import merkle, notes, selectors
from govdoor.ledger.models import Checkpoint, Entry, Head, Node

CHUNK = 20_000


@dataclass
class Audit:
    size: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        if len(self.problems) < 100:
            self.problems.append(message)


def _level(level: int) -> Iterator[tuple[int, bytes]]:
    rows = Node.objects.filter(level=level).order_by("position").values_list("position", "hash")
    for position, digest in rows.iterator(chunk_size=CHUNK):
        yield position, bytes(digest)


def _leaves(audit: Audit) -> int:
    count = 0
    for position, _ in _level(0):
        if position != count:
            audit.fail(f"leaf {count} is missing (found position {position})")
            return count
        count += 1
    return count


def _levels(audit: Audit, size: int) -> None:
    level = 1
    while size >> level or Node.objects.filter(level=level).exists():
        below, here = _level(level - 1), _level(level)
        for j in range(size >> level):
            (_, left), (_, right) = next(below), next(below)
            stored = next(here, None)
            if stored is None or stored[0] != j or stored[1] != merkle.node_hash(left, right):
                audit.fail(f"node (level {level}, position {j}) does not match its children")
                return
        extra = next(here, None)
        if extra is not None:
            audit.fail(f"node (level {level}, position {extra[0]}) lies outside the tree")
        level += 1


def _entries(audit: Audit) -> None:
    """Integrated entries match their leaves; surviving records still hash to their leaf."""
    rows = (
        Entry.objects.filter(leaf_index__isnull=False)
        .order_by("leaf_index")
        .values_list("leaf_index", "leaf_hash", "record__body")
    )
    leaves = _level(0)
    for index, digest, body in rows.iterator(chunk_size=CHUNK):
        leaf = next(leaves, None)
        if leaf is None or leaf != (index, bytes(digest)):
            audit.fail(f"entry {index} does not match the leaf at its index")
            return
        if body is not None and merkle.leaf_hash(body.encode()) != bytes(digest):
            audit.fail(f"the record of entry {index} does not hash to its leaf")


def _checkpoints(audit: Audit, vkeys: Sequence[str]) -> None:
    previous: notes.CheckpointBody | None = None
    for checkpoint in Checkpoint.objects.order_by("size", "id").iterator():
        audit.checkpoints += 1
        body = checkpoint_check(audit, checkpoint.note, vkeys, label=f"checkpoint {checkpoint.pk}")
        if body is None:
            continue
        if body.size != checkpoint.size or body.root != bytes(checkpoint.root):
            audit.fail(f"checkpoint {checkpoint.pk}: its columns differ from its signed note")
        if previous is not None:
            consistency_check(audit, previous, body, label=f"checkpoint {checkpoint.pk}")
        previous = body


def checkpoint_check(
    audit: Audit, note: str, vkeys: Sequence[str], *, label: str
) -> notes.CheckpointBody | None:
    """Signature by one of `vkeys`, and the root of the stored tree at the checkpoint's size."""
    body = None
    for vkey in vkeys:
        try:
            body = notes.note_open(note, vkey)
            break
        except notes.NoteError:
            continue
    if body is None:
        audit.fail(f"{label}: no valid signature by a known key")
        return None
    if body.size > audit.size:
        audit.fail(f"{label}: size {body.size} is beyond the tree ({audit.size})")
        return None
    if selectors.tree_root(size=body.size) != body.root:
        audit.fail(f"{label}: root differs from the tree at size {body.size}")
    return body


def consistency_check(
    audit: Audit, old: notes.CheckpointBody, new: notes.CheckpointBody, *, label: str
) -> None:
    if old.size == 0 or old.size > new.size:
        return
    proof = selectors.ranges_resolve(merkle.consistency_ranges(old.size, new.size))
    if not merkle.consistency_verify(
        first=old.size, second=new.size, first_root=old.root, second_root=new.root, proof=proof
    ):
        audit.fail(f"{label}: not consistent with the checkpoint at size {old.size}")


def ledger_audit(*, vkeys: Sequence[str], extra_checkpoint: str | None = None) -> Audit:
    audit = Audit()
    size = _leaves(audit)
    audit.size = size
    _levels(audit, size)
    _entries(audit)
    head = Head.objects.filter(pk=1).first()
    if head is not None and (
        head.size != size or bytes(head.root) != selectors.tree_root(size=size)
    ):
        audit.fail("the head does not match the stored tree")
    if audit.problems:
        return audit  # roots computed from a broken tree would only repeat the finding
    _checkpoints(audit, vkeys)
    if extra_checkpoint is not None:
        body = checkpoint_check(audit, extra_checkpoint, vkeys, label="given checkpoint")
        latest = selectors.checkpoint_latest()
        if body is not None and latest is not None:
            stored = notes.CheckpointBody(
                origin=body.origin, size=latest.size, root=bytes(latest.root)
            )
            older, newer = sorted([body, stored], key=lambda b: b.size)
            consistency_check(audit, older, newer, label="given checkpoint")
    return audit
