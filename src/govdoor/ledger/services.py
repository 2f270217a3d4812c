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

import itertools
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.errors import Unavailable
from govdoor.ledger import bulk, leaf, merkle, notes
from govdoor.ledger.leaf import ACTIONS
from govdoor.ledger.models import Checkpoint, Entry, Head
from govdoor.ledger.rows import LedgerEntryIn, prefix_checked, rows_build, rows_from
from govdoor.ledger.selectors import nodes_get

logger = logging.getLogger(__name__)

__all__ = [
    "ACTIONS",
    "LedgerEntryIn",
    "QueuedEntry",
    "ledger_append",
    "ledger_append_for_read",
    "ledger_append_for_subjects",
    "ledger_append_many",
]

BATCH_SIZE = 20_000  # entries integrated (and one checkpoint signed) per sequencer transaction
MANY_CHUNK = 50_000  # ledger_append_many writes (and holds in memory) this many at a time


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
    sorted_fields = leaf.shared_parts_check(
        actor_org=actor_org,
        actor_user=actor_user,
        action=action,
        purpose=purpose,
        legal_basis=legal_basis,
        fields=fields,
    )
    return {
        "v": 1,
        "at": leaf.timestamp(),
        "subject": leaf.subject_check(subject_id),
        "actor": {"org": actor_org, "user": actor_user},
        "action": action,
        "purpose": purpose,
        "legal_basis": legal_basis,
        "fields": sorted_fields,
        "salt": leaf.salt_new(),
    }


def leaf_bytes(record: dict[str, Any]) -> bytes:
    """The JCS (RFC 8785) bytes of a record (equal to rfc8785.dumps; see leaf.py)."""
    return leaf.record_bytes(record)


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
        entry_id = bulk.entry_insert(
            (digest, record["subject"], data.decode()), queued_at=clock.now()
        )
    except DatabaseError as exc:
        raise _append_failed(1) from exc
    _kick_on_commit()
    return QueuedEntry(id=entry_id, record=record, leaf_hash=digest)


def ledger_append_many(
    *, entries: Iterable[LedgerEntryIn], companions: Sequence[models.Model] = ()
) -> int:
    """Queue many entries in the caller's transaction (a population scan); how many.

    The same validation (ValueError, nothing written) and the same leaf bytes as
    `ledger_append`, one timestamp for the batch; Unavailable (503) if the database refuses,
    with the caller's transaction marked for rollback (fail closed).

    `companions` are new rows of the access itself (the exchange's request record, primary
    key set): written with the first entries, in the same statement on PostgreSQL, so an
    access costs one round trip; written even when there are no entries. If they cannot be
    written, neither are the entries (the same 503).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("ledger_append_many must run inside the transaction of the access")
    at = clock.now()
    stamp = leaf.timestamp(at)
    prefixes: dict[tuple[Any, ...], str] = {}
    iterator = iter(entries)
    chunks = iter(lambda: list(itertools.islice(iterator, MANY_CHUNK)), [])
    return _chunks_write(
        chunks, lambda chunk: rows_build(chunk, stamp, prefixes), at, companions=companions
    )


def ledger_append_for_read(
    *,
    read: tuple[str, Sequence[Any]],
    key: tuple[str, int],
    entries: Mapping[Any, LedgerEntryIn],
    companions: Sequence[models.Model] = (),
) -> list[tuple[Any, ...]]:
    """Run an access's read (SQL, parameters) and queue the entries of what it found: one
    entry per key of `entries` that the read's rows hold in column `key` (quoted name in the
    read's output, index in its rows); the read's rows, in no particular order.

    Why: an access whose entries follow from what the read finds (the exchange: one entry per
    register that holds a record about the person) need not read, then write, then commit.
    On PostgreSQL the read, the entries and the companions are one statement: inside the
    caller's transaction when there is one, otherwise a transaction of its own (two round
    trips fewer). Elsewhere (or with no candidate entry) the read and the writes run in one
    transaction. Either way the read's rows are returned only once their entries are
    written; if they cannot be, Unavailable (503), with the caller's transaction marked for
    rollback.
    """
    at = clock.now()
    rows = rows_build(list(entries.values()), leaf.timestamp(at), {})
    candidates = list(zip(entries, rows, strict=True))
    if connection.vendor == "postgresql" and rows:
        try:
            found, written = bulk.read_insert(
                read, key=key, rows=candidates, queued_at=at, companions=companions
            )
        except DatabaseError as exc:
            raise _append_failed(len(rows)) from exc
        if written:
            _kick_on_commit()
        return found
    # No savepoint: a failure here fails the caller's innermost block, which rolls back.
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(*read)
            found = cursor.fetchall()
        present = {r[key[1]] for r in found}
        chosen = [row for k, row in candidates if k in present]
        _rows_write(chosen, queued_at=at, companions=companions)
        if chosen:
            _kick_on_commit()
    return found


def _chunks_write(
    chunks: Iterable[Sequence[Any]],
    build: Callable[[Sequence[Any]], list[bulk.Row]],
    at: Any,
    *,
    companions: Sequence[models.Model] = (),
) -> int:
    """Build and write chunk by chunk (memory stays bounded); a bad entry in a later chunk
    marks the caller's transaction for rollback, so the earlier chunks never commit."""
    total = 0
    pending = list(companions)
    for chunk in chunks:
        try:
            rows = build(chunk)
        except ValueError:
            if total:
                transaction.set_rollback(True)
            raise
        _rows_write(rows, queued_at=at, companions=pending)
        pending = []
        total += len(chunk)
    if pending:
        _rows_write([], queued_at=at, companions=pending)
    if total:
        _kick_on_commit()
    return total


def ledger_append_for_subjects(
    *,
    subject_ids: Sequence[Any],
    actor_org: str,
    actor_user: str | None,
    action: str,
    purpose: str,
    legal_basis: str,
    fields: Sequence[str],
) -> int:
    """`ledger_append_many` for one access of many people (a population scan): the same
    entries and checks, without building an entry object per person; how many."""
    if not connection.in_atomic_block:
        raise RuntimeError("ledger_append_for_subjects must run inside the access's transaction")
    at = clock.now()
    template = LedgerEntryIn(
        subject_id="-",
        actor_org=actor_org,
        actor_user=actor_user,
        action=action,
        purpose=purpose,
        legal_basis=legal_basis,
        fields=fields,
    )
    head = prefix_checked(template, leaf.timestamp(at))
    chunks = (subject_ids[n : n + MANY_CHUNK] for n in range(0, len(subject_ids), MANY_CHUNK))
    return _chunks_write(
        chunks, lambda chunk: rows_from(((head, s) for s in chunk), len(chunk)), at
    )


def _rows_write(
    rows: Sequence[bulk.Row], *, queued_at: Any = None, companions: Sequence[models.Model] = ()
) -> None:
    """Write queued rows (and the access's companion rows) in the caller's transaction, no
    savepoint: on failure, see `_append_failed`."""
    try:
        bulk.rows_insert(rows, queued_at=queued_at or clock.now(), companions=companions)
    except DatabaseError as exc:
        raise _append_failed(len(rows)) from exc


def _append_failed(entries: int) -> Unavailable:
    """The 503 of an append the database refused (fail closed): the caller's innermost
    block, if any, marked for rollback, so even a caller that swallows the 503 cannot commit
    the access without its entry; outside a block the refused statement committed nothing."""
    if connection.in_atomic_block:
        transaction.set_rollback(True)
    logger.error("ledger append failed", extra={"entries": entries})
    return Unavailable(_("The data-use ledger cannot record this access right now."))


# --- the sequencer kick -----------------------------------------------------------------------

_last_kick = 0.0


def _kick_on_commit() -> None:
    """Have the sequencer run after the caller commits, coalesced: once per transaction, and
    in production (tasks not eager) at most once per GOVDOOR_LEDGER_KICK_INTERVAL seconds per
    process; Celery beat runs it every second anyway."""
    if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        interval = float(getattr(settings, "GOVDOOR_LEDGER_KICK_INTERVAL", 0.5))
        if time.monotonic() - _last_kick < interval:
            return
    if not any(hook[1] is _sequencer_kick for hook in connection.run_on_commit):
        transaction.on_commit(_sequencer_kick, robust=True)


def _sequencer_kick() -> None:
    """After commit: run the sequencer (in process in the demo, a Celery task in production)."""
    global _last_kick
    from govdoor.ledger.tasks import ledger_sequence_task

    _last_kick = time.monotonic()
    ledger_sequence_task.delay()


def _head_locked() -> Head:
    """The head row, locked (one query once it exists: the first run creates it)."""
    head = Head.objects.select_for_update().filter(pk=1).first()
    if head is None:
        Head.objects.get_or_create(pk=1)
        head = Head.objects.select_for_update().get(pk=1)
    return head


def _frontier(size: int) -> list[tuple[int, int, bytes]]:
    """The complete subtrees of the right edge of a tree of `size` leaves, left to right."""
    keys = merkle.range_nodes(0, size)
    nodes = nodes_get(keys)
    return [(level, position, nodes[(level, position)]) for level, position in keys]


@transaction.atomic
def ledger_sequence(*, limit: int = BATCH_SIZE) -> int:
    """Integrate up to `limit` queued entries; returns how many were integrated.

    Nothing about an entry is rewritten: the entries past the head's cursor are read in
    queue order, their leaves and the complete subtrees they finish are stored, one span
    per run of consecutive entry ids maps the new leaves to them, and the cursor moves on.
    """
    head = _head_locked()
    queued = _queued(head, limit)
    if not queued:
        return 0
    size = head.size
    new_nodes, edge = merkle.tree_extend(
        size,
        _frontier(size),
        [bytes(digest) for _entry_id, _xid, digest in queued],
        keep_from=merkle.STORED_FROM_LEVEL,
    )
    bulk.nodes_insert(new_nodes)
    bulk.spans_insert(_spans([entry_id for entry_id, _xid, _digest in queued], first_leaf=size))
    head.size = size + len(queued)
    head.root = merkle.fold_right([h for _, _, h in edge])
    head.cursor_id, head.cursor_xid = int(queued[-1][0]), int(queued[-1][1])
    head.save(update_fields=["size", "root", "cursor_xid", "cursor_id", "updated_at"])
    # The tree has just grown under the head's lock: no checkpoint of this size can exist.
    _checkpoint_new(size=head.size, root=bytes(head.root))
    logger.info("ledger sequenced", extra={"integrated": len(queued), "size": head.size})
    return len(queued)


# Entries after the cursor, in queue order, from transactions that can no longer add any
# before them: older than the oldest one still running (the snapshot's xmin), or the
# sequencer's own transaction when no older one runs (a caller that appends and sequences
# in one transaction, as tests and management commands do).
_QUEUED_PG = """
SELECT "id", "xid", "leaf_hash" FROM "ledger_entry"
WHERE ("xid", "id") > (%s, %s)
  AND ("xid" < (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint)
       OR ("xid" = (SELECT pg_current_xact_id()::text::bigint)
           AND (SELECT pg_current_xact_id()::text::bigint)
               = (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint)))
ORDER BY "xid", "id" LIMIT %s
"""
_QUEUED_SQLITE = """
SELECT "id", "xid", "leaf_hash" FROM "ledger_entry"
WHERE "xid" > %s OR ("xid" = %s AND "id" > %s)
ORDER BY "xid", "id" LIMIT %s
"""


def _queued(head: Head, limit: int) -> list[tuple[int, int, bytes | memoryview]]:
    """Up to `limit` queued entries (id, xid, leaf hash) in queue order."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_QUEUED_PG, [head.cursor_xid, head.cursor_id, limit])
        else:
            cursor.execute(
                _QUEUED_SQLITE, [head.cursor_xid, head.cursor_xid, head.cursor_id, limit]
            )
        return cursor.fetchall()


def _spans(ids: list[int], *, first_leaf: int) -> list[tuple[int, int, int]]:
    """(leaf start, entry start, length) of each run of consecutive ids, in leaf order."""
    spans: list[tuple[int, int, int]] = []
    start = 0
    for end in range(1, len(ids) + 1):
        if end < len(ids) and ids[end] == ids[end - 1] + 1:
            continue
        spans.append((first_leaf + start, ids[start], end - start))
        start = end
    return spans


def ledger_sequence_all() -> int:
    """Integrate everything queued, batch by batch (operators and tests). A batch short of
    the limit means the queue held no more that could be integrated: no empty run after it."""
    total = 0
    while True:
        done = ledger_sequence(limit=BATCH_SIZE)
        total += done
        if done < BATCH_SIZE:
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
    return _checkpoint_new(size=size, root=root)


def _checkpoint_new(*, size: int, root: bytes) -> Checkpoint:
    name = notes.key_name()
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
    """Delete the records (and salts) about a person: their entries keep only the leaf hash
    and queue key (the one update the entry trigger allows), so the tree and every proof
    stay valid, and the erased entries can no longer be linked to the person."""
    erased = Entry.objects.filter(subject_ref=str(subject_id)).update(subject_ref=None, body=None)
    logger.info("ledger records erased", extra={"subject": str(subject_id), "count": erased})
    return erased
