"""Writing the ledger: appending entries, sequencing them into the tree, erasure, checkpoints.

Why a queue and one sequencer: `ledger_append` runs inside the transaction of the access it
records, so the access and its entry commit together or not at all, and it must be cheap. The
tree needs a total order, so a single sequencer (holding a lock on the one `Head` row)
integrates queued entries in batches, stores every complete subtree as it completes, and
publishes a signed checkpoint. Two sequencers never share an index: the second waits on the
lock and then sees the first's work.

Refusals are not ledgered: an access that was refused disclosed nothing. Callers append only
for what they actually read or disclose, and do it before disclosing.
"""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import rfc8785
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.errors import Unavailable
from govdoor.ledger import merkle, notes
from govdoor.ledger.models import Checkpoint, Entry, Head, Node, Record
from govdoor.ledger.selectors import nodes_get

logger = logging.getLogger(__name__)

ACTIONS = frozenset({"read", "disclose", "prefill", "decide", "export", "erase"})
BATCH_SIZE = 5000


@dataclass(frozen=True)
class QueuedEntry:
    """What an append gives back: the queued entry's id, its record and its leaf hash."""

    id: int
    record: dict[str, Any]
    leaf_hash: bytes


def record_build(
    *,
    subject_id: str,
    actor_org: str,
    actor_user: str | None,
    action: str,
    purpose: str,
    legal_basis: str,
    fields: Sequence[str],
) -> dict[str, Any]:
    """The record exactly as specs/ledger.md spells it, with a fresh 32-byte salt."""
    if action not in ACTIONS:
        raise ValueError(f"ledger action must be one of {sorted(ACTIONS)}")
    if not str(subject_id).strip():
        raise ValueError("a ledger entry needs a subject")
    if not actor_org or not purpose or not purpose.strip():
        raise ValueError("a ledger entry needs an organisation and a purpose")
    if not legal_basis or not legal_basis.strip():
        raise ValueError("a ledger entry needs a legal basis")
    if isinstance(fields, str) or not all(isinstance(f, str) and f for f in fields):
        raise ValueError("fields are a sequence of non-empty field names")
    at = clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "v": 1,
        "at": at,
        "subject": str(subject_id),
        "actor": {"org": actor_org, "user": actor_user},
        "action": action,
        "purpose": purpose,
        "legal_basis": legal_basis,
        "fields": sorted(fields),
        "salt": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


def leaf_bytes(record: dict[str, Any]) -> bytes:
    return rfc8785.dumps(record)


def ledger_append(
    *,
    subject_id: str,
    actor_org: str,
    actor_user: str | None,
    action: str,
    purpose: str,
    legal_basis: str,
    fields: Sequence[str],
) -> QueuedEntry:
    """Queue one entry in the caller's transaction; Unavailable (503) if it cannot be written,
    so the caller discloses nothing (fail closed)."""
    if not connection.in_atomic_block:
        raise RuntimeError("ledger_append must run inside the transaction of the access")
    record = record_build(
        subject_id=subject_id,
        actor_org=actor_org,
        actor_user=actor_user,
        action=action,
        purpose=purpose,
        legal_basis=legal_basis,
        fields=fields,
    )
    data = leaf_bytes(record)
    digest = merkle.leaf_hash(data)
    try:
        with transaction.atomic():
            entry = Entry.objects.create(leaf_hash=digest, queued_at=clock.now())
            Record.objects.create(entry=entry, subject_ref=record["subject"], body=data.decode())
    except DatabaseError as exc:
        logger.error("ledger append failed", extra={"subject": record["subject"]})
        raise Unavailable(_("The data-use ledger cannot record this access right now.")) from exc
    if not any(hook[1] is _sequencer_kick for hook in connection.run_on_commit):
        transaction.on_commit(_sequencer_kick, robust=True)
    return QueuedEntry(id=entry.pk, record=record, leaf_hash=digest)


def _sequencer_kick() -> None:
    """After commit: run the sequencer (in process in the demo, a Celery task in production)."""
    from govdoor.ledger.tasks import ledger_sequence_task

    ledger_sequence_task.delay()


def _head_locked() -> Head:
    Head.objects.get_or_create(pk=1)
    return Head.objects.select_for_update().get(pk=1)


def _frontier(size: int) -> list[tuple[int, int, bytes]]:
    """The complete subtrees of the right edge of a tree of `size` leaves, left to right."""
    keys = merkle.range_nodes(0, size)
    nodes = nodes_get(keys)
    return [(level, position, nodes[(level, position)]) for level, position in keys]


@transaction.atomic
def ledger_sequence(*, limit: int = BATCH_SIZE) -> int:
    """Integrate up to `limit` queued entries; returns how many were integrated."""
    head = _head_locked()
    queued = list(
        Entry.objects.filter(leaf_index__isnull=True)
        .order_by("id")
        .values_list("id", "leaf_hash")[:limit]
    )
    if not queued:
        return 0
    size = head.size
    stack = _frontier(size)
    new_nodes: list[Node] = []
    integrated: list[tuple[int, int]] = []
    now = clock.now()
    for offset, (entry_id, digest) in enumerate(queued):
        index = size + offset
        integrated.append((entry_id, index))
        stack.append((0, index, bytes(digest)))
        new_nodes.append(Node(level=0, position=index, hash=bytes(digest)))
        while len(stack) >= 2 and stack[-1][0] == stack[-2][0]:
            right, left = stack.pop(), stack.pop()
            merged = (left[0] + 1, left[1] >> 1, merkle.node_hash(left[2], right[2]))
            stack.append(merged)
            new_nodes.append(Node(level=merged[0], position=merged[1], hash=merged[2]))
    _indexes_assign(integrated, now=now)
    Node.objects.bulk_create(new_nodes, batch_size=1000)
    head.size = size + len(queued)
    head.root = merkle.fold_right([h for _, _, h in stack])
    head.save(update_fields=["size", "root", "updated_at"])
    checkpoint_sign()
    logger.info("ledger sequenced", extra={"integrated": len(queued), "size": head.size})
    return len(queued)


def _indexes_assign(pairs: list[tuple[int, int]], *, now: Any) -> None:
    """Give queued entries their indexes: one UPDATE per run of consecutive ids (usually one),
    as index = id + offset; a row that is no longer queued makes the run fail loudly."""
    runs: list[list[tuple[int, int]]] = []
    for entry_id, index in pairs:
        if runs and entry_id == runs[-1][-1][0] + 1:
            runs[-1].append((entry_id, index))
        else:
            runs.append([(entry_id, index)])
    for run in runs:
        (first_id, first_index), (last_id, _) = run[0], run[-1]
        updated = Entry.objects.filter(
            id__gte=first_id, id__lte=last_id, leaf_index__isnull=True
        ).update(leaf_index=F("id") + (first_index - first_id), integrated_at=now)
        if updated != len(run):
            raise RuntimeError("ledger queue changed under the sequencer's lock")


def ledger_sequence_all() -> int:
    """Integrate everything queued, batch by batch (operators and tests)."""
    total = 0
    while done := ledger_sequence():
        total += done
    return total


@transaction.atomic
def checkpoint_sign() -> Checkpoint:
    """Sign and store a checkpoint for the current tree size (reusing the latest if the tree
    has not grown and the key name is the same)."""
    head = Head.objects.filter(pk=1).first()
    size = head.size if head else 0
    root = bytes(head.root) if head else merkle.EMPTY_ROOT
    name = notes.key_name()
    latest = Checkpoint.objects.order_by("-size", "-id").first()
    if latest is not None and latest.size == size and latest.key_name == name:
        return latest
    body = notes.CheckpointBody(origin=name, size=size, root=root)
    note = notes.note_sign(body, name=name, key=notes.signing_key())
    return Checkpoint.objects.create(
        size=size, root=root, key_name=name, note=note, created_at=clock.now()
    )


def verifier_key() -> str:
    key = notes.signing_key()
    return notes.verifier_key(notes.key_name(), notes.public_bytes(key.public_key()))


@transaction.atomic
def ledger_erase_subject(*, subject_id: str) -> int:
    """Delete the records (and salts) about a person; the leaf hashes stay, so the tree and
    every proof stay valid, and the erased entries can no longer be linked to the person."""
    deleted, _ = Record.objects.filter(subject_ref=str(subject_id)).delete()
    logger.info("ledger records erased", extra={"subject": str(subject_id), "count": deleted})
    return deleted
