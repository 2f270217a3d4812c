"""Checking the stored ledger end to end (the `ledger_verify` command).

Why level by level, streaming: a log of ten million entries has ten million leaves (the
entries' hashes, laid out by the spans) and over a million stored nodes. Each stored level
is recomputed from the stored level below (the first, level 4, from the leaves), reading
both in position order, so memory stays constant; the spans are checked to map every leaf
to exactly one entry; with every level matching, the stored tree *is* the tree of the leaf
hashes, and each checkpoint's signature, root and consistency with its predecessor is then
checked against it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from govdoor.ledger import merkle, notes, selectors
from govdoor.ledger.models import Checkpoint, Entry, Head, Node, Span

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
    for position, _ in selectors.leaves_in_order():
        if position != count:
            audit.fail(f"leaf {count} is missing (found position {position})")
            return count
        count += 1
    return count


def _level_from_leaves(level: int) -> Iterator[bytes]:
    """The nodes of an unstored level, hashed from the leaves, in position order."""
    leaves = (digest for _, digest in selectors.leaves_in_order())
    width = 1 << level
    while len(chunk := list(itertools.islice(leaves, width))) == width:
        yield merkle.subtree_hash(chunk)


def _level_from_below(level: int) -> Iterator[bytes]:
    below = (digest for _, digest in _level(level - 1))
    while len(pair := list(itertools.islice(below, 2))) == 2:
        yield merkle.node_hash(pair[0], pair[1])


def _levels(audit: Audit, size: int) -> None:
    """Every stored level from STORED_FROM_LEVEL up against the level below (the first one
    against its leaves); legacy rows of the unstored levels are never read, so not checked."""
    level = merkle.STORED_FROM_LEVEL
    while size >> level or Node.objects.filter(level=level).exists():
        expected = (
            _level_from_leaves(level)
            if level == merkle.STORED_FROM_LEVEL
            else _level_from_below(level)
        )
        here = _level(level)
        for j in range(size >> level):
            want = next(expected, None)
            stored = next(here, None)
            if stored is None or stored != (j, want):
                audit.fail(f"node (level {level}, position {j}) does not match its children")
                return
        extra = next(here, None)
        if extra is not None:
            audit.fail(f"node (level {level}, position {extra[0]}) lies outside the tree")
        level += 1


def _spans(audit: Audit, size: int) -> bool:
    """The spans tile the leaves 0 … size - 1 and no entry lies in two of them."""
    leaf = 0
    for start, length in (
        Span.objects.order_by("leaf_start").values_list("leaf_start", "length").iterator(CHUNK)
    ):
        if start != leaf or length < 1:
            audit.fail(f"the spans do not cover leaf {leaf} exactly once")
            return False
        leaf = start + length
    if leaf != size:
        audit.fail(f"the spans cover {leaf} leaves, the tree holds {size}")
        return False
    previous_end = None
    rows = Span.objects.order_by("entry_start").values_list("entry_start", "length")
    for entry_start, length in rows.iterator(CHUNK):
        if previous_end is not None and entry_start < previous_end:
            audit.fail(f"entry {entry_start} is in two spans")
            return False
        previous_end = entry_start + length
    return True


def _entries(audit: Audit, size: int) -> None:
    """Every leaf has its entry, in order; surviving records still hash to their leaf; every
    entry up to the cursor is integrated."""
    if not _spans(audit, size):
        return
    expected = 0
    for index, digest, body in selectors.leaf_records_in_order(chunk=CHUNK):
        if index != expected:
            audit.fail(f"the entry of leaf {expected} is missing")
            return
        if body is not None and merkle.leaf_hash(body.encode()) != digest:
            audit.fail(f"the record of entry {index} does not hash to its leaf")
        expected += 1
    if expected < size:
        audit.fail(f"the entry of leaf {expected} is missing")
        return
    head = Head.objects.filter(pk=1).first()
    cursor_xid, cursor_id = (head.cursor_xid, head.cursor_id) if head else (0, 0)
    behind = Entry.objects.filter(
        Q(xid__lt=cursor_xid) | Q(xid=cursor_xid, id__lte=cursor_id)
    ).count()
    if behind != size:
        audit.fail(f"{behind} entries lie up to the sequencer's cursor, the tree holds {size}")


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
    _entries(audit, size)
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
