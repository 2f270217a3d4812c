"""Reading the ledger: stored nodes, proofs, entries, checkpoints and a person's data uses.

Why proofs come from stored rows only: a proof needs O(log n) complete subtrees, each one
row of `Node` (or, for the lowest levels, a few leaves: entries found through the spans),
fetched in a single query, so the cost does not grow with the log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from govdoor.core.errors import DomainError, NotFound
from govdoor.identity.selectors import mandates_held
from govdoor.ledger import merkle
from govdoor.ledger.merkle import NodeKey
from govdoor.ledger.models import Checkpoint, Entry, Head, Node, Span
from govdoor.organisations.selectors import organisations_list, roles_of


def tree_size() -> int:
    """How many entries the tree holds (integrated; queued ones are not counted)."""
    head = Head.objects.filter(pk=1).values_list("size", flat=True).first()
    return int(head or 0)


def _stored_keys(wanted: Iterable[NodeKey]) -> set[NodeKey]:
    """The stored rows that give these nodes: themselves, or for a level that is not stored
    (1 to STORED_FROM_LEVEL - 1) the leaves under it."""
    stored: set[NodeKey] = set()
    for level, position in wanted:
        if 0 < level < merkle.STORED_FROM_LEVEL:
            first = position << level
            stored.update((0, leaf) for leaf in range(first, first + (1 << level)))
        else:
            stored.add((level, position))
    return stored


def nodes_and_size(keys: Iterable[NodeKey]) -> tuple[dict[NodeKey, bytes], int]:
    """Complete subtrees by (level, position), and the current tree size, in one round trip
    (a proof is dominated by round trips, not by the O(log n) rows it reads). A leaf is its
    entry's hash (found through the spans); a node of an unstored level is hashed from its
    leaves; it is missing if one of them is."""
    wanted = set(keys)
    stored = sorted(_stored_keys(wanted))
    leaves = [position for level, position in stored if level == 0]
    inner = [key for key in stored if key[0] != 0]
    parts: list[str] = []
    params: list[int] = []
    if inner:
        values = ", ".join(["(%s, %s)"] * len(inner))
        parts.append(
            f'SELECT "level", "position", "hash" FROM "{Node._meta.db_table}"'
            f' WHERE ("level", "position") IN (VALUES {values})'
        )
        params.extend(number for key in inner for number in key)
    if leaves:
        parts.append(_LEAVES_AT)
        params[:0] = leaves  # the WITH clause comes first
    parts.append(f'SELECT -1, "size", NULL FROM "{Head._meta.db_table}" WHERE "id" = 1')
    sql = " UNION ALL ".join(parts)
    if leaves:
        sql = f'WITH "w"("p") AS (VALUES {", ".join(["(CAST(%s AS BIGINT))"] * len(leaves))}) {sql}'
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    size = 0
    found: dict[NodeKey, bytes] = {}
    for level, position, digest in rows:
        if level == -1:
            size = int(position)
        else:
            found[(int(level), int(position))] = bytes(digest)
    for level, position in wanted:
        if 0 < level < merkle.STORED_FROM_LEVEL:
            first = position << level
            hashes = [found.get((0, leaf)) for leaf in range(first, first + (1 << level))]
            if all(hashes):
                found[(level, position)] = merkle.subtree_hash(hashes)  # type: ignore[arg-type]
    return found, size


# The leaves at the positions of "w": each one's span is the last starting at or before it
# (one backward probe of the span key), its entry that span's start plus the offset; a
# position past the span's end (past the tree) finds nothing.
_LEAVES_AT = (
    'SELECT 0, "w"."p", "e"."leaf_hash" FROM "w"'
    ' JOIN "ledger_span" "s" ON "s"."leaf_start" = (SELECT "leaf_start" FROM "ledger_span"'
    ' WHERE "leaf_start" <= "w"."p" ORDER BY "leaf_start" DESC LIMIT 1)'
    ' JOIN "ledger_entry" "e" ON "e"."id" = "s"."entry_start" + ("w"."p" - "s"."leaf_start")'
    ' WHERE "w"."p" < "s"."leaf_start" + "s"."length"'
)


def leaves_in_order(*, chunk: int = 20_000) -> Iterator[tuple[int, bytes]]:
    """(leaf index, leaf hash) of every integrated entry, in leaf order, streamed (a
    server-side cursor on PostgreSQL): the leaves are the entries' hashes, laid out by the
    spans, and are not stored a second time."""
    for index, digest, _body in _leaf_rows(records=False, chunk=chunk):
        yield index, digest


def leaf_records_in_order(*, chunk: int = 20_000) -> Iterator[tuple[int, bytes, str | None]]:
    """`leaves_in_order` with each entry's record text (None once erased)."""
    return _leaf_rows(records=True, chunk=chunk)


def _leaf_rows(*, records: bool, chunk: int) -> Iterator[tuple[int, bytes, str | None]]:
    body = '"e"."body"' if records else "NULL"
    sql = (
        f'SELECT "s"."leaf_start" + "e"."id" - "s"."entry_start", "e"."leaf_hash", {body}'
        ' FROM "ledger_span" "s" JOIN "ledger_entry" "e"'
        ' ON "e"."id" >= "s"."entry_start" AND "e"."id" < "s"."entry_start" + "s"."length"'
        ' ORDER BY "s"."leaf_start", "e"."id"'
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(chunk):
            for index, digest, text in rows:
                yield int(index), bytes(digest), text


def nodes_get(keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
    """Stored complete subtrees; LookupError if one is missing (the tree is not that large)."""
    wanted = set(keys)
    found, _ = nodes_and_size(wanted)
    missing = wanted - set(found)
    if missing:
        raise LookupError(f"ledger nodes missing: {sorted(missing)[:5]}")
    return found


def ranges_resolve(ranges: Sequence[merkle.Range]) -> list[bytes]:
    nodes = nodes_get(merkle.keys_needed(ranges))
    return merkle.resolve(ranges, nodes.__getitem__)


def tree_root(*, size: int) -> bytes:
    """The root of the first `size` integrated entries (any size up to the current one)."""
    if size == 0:
        return merkle.EMPTY_ROOT
    return ranges_resolve([(0, size)])[0]


def _proof(ranges: list[merkle.Range], size: int, field: str) -> list[bytes]:
    """Resolve a proof's ranges, refusing a size the tree has not reached (one query)."""
    nodes, current = nodes_and_size(merkle.keys_needed(ranges))
    if size > current:
        raise DomainError(_("The tree is not that large yet."), field=field)
    return merkle.resolve(ranges, nodes.__getitem__)


MAX_SIZE = 2**62


def _bounded(value: Any, *, field: str, low: int, high: int) -> int:
    """An integer argument in [low, high], else a 400 naming the field."""
    try:
        number = int(str(value), 10)
    except (TypeError, ValueError):
        raise DomainError(_("Must be a whole number."), field=field) from None
    if not low <= number <= high:
        raise DomainError(
            _("Must be between %(low)s and %(high)s.") % {"low": low, "high": high}, field=field
        )
    return number


def inclusion_proof_get(*, index: Any, tree_size_arg: Any) -> tuple[int, int, list[bytes]]:
    size = _bounded(tree_size_arg, field="tree_size", low=1, high=MAX_SIZE)
    i = _bounded(index, field="index", low=0, high=size - 1)
    return i, size, _proof(merkle.inclusion_ranges(i, size), size, "tree_size")


def consistency_proof_get(*, first: Any, second: Any) -> tuple[int, int, list[bytes]]:
    n = _bounded(second, field="second", low=1, high=MAX_SIZE)
    m = _bounded(first, field="first", low=1, high=n)
    return m, n, _proof(merkle.consistency_ranges(m, n), n, "second")


@dataclass(frozen=True)
class EntryView:
    index: int
    leaf_hash: bytes
    record: dict[str, Any] | None
    subject_ref: str | None


def entry_id_at(index: int) -> int | None:
    """The id of the entry at leaf `index` (None past the tree): its span's entry start plus
    the offset into the span."""
    span = (
        Span.objects.filter(leaf_start__lte=index)
        .order_by("-leaf_start")
        .values_list("leaf_start", "entry_start", "length")
        .first()
    )
    if span is None or index >= span[0] + span[2]:
        return None
    return int(span[1] + index - span[0])


def entry_indexes(entry_ids: Iterable[int]) -> dict[int, int]:
    """Leaf index of each integrated entry among these ids (queued ones are left out): one
    query, one index probe of the spans per id."""
    ids = sorted({int(i) for i in entry_ids})
    if not ids:
        return {}
    span = Span._meta.db_table
    values = ", ".join(["(CAST(%s AS BIGINT))"] * len(ids))
    sql = (
        f'WITH "ids"("id") AS (VALUES {values}) SELECT "ids"."id", ('
        f'SELECT CASE WHEN "s"."entry_start" + "s"."length" > "ids"."id"'
        f' THEN "s"."leaf_start" + "ids"."id" - "s"."entry_start" END'
        f' FROM "{span}" "s" WHERE "s"."entry_start" <= "ids"."id"'
        f' ORDER BY "s"."entry_start" DESC LIMIT 1) FROM "ids"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return {int(i): int(index) for i, index in cursor.fetchall() if index is not None}


def entry_get(*, index: Any) -> EntryView:
    """An integrated entry and its record (None once erased); NotFound past the tree."""
    i = _bounded(index, field="index", low=0, high=MAX_SIZE)
    entry_id = entry_id_at(i)
    entry = Entry.objects.filter(pk=entry_id).first() if entry_id is not None else None
    if entry is None:
        raise NotFound(_("No ledger entry with this index."))
    return EntryView(
        index=i,
        leaf_hash=bytes(entry.leaf_hash),
        record=json.loads(entry.body) if entry.body is not None else None,
        subject_ref=entry.subject_ref if entry.body is not None else None,
    )


def checkpoint_latest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size", "-id").first()


def checkpoints_in_order() -> QuerySet[Checkpoint]:
    return Checkpoint.objects.order_by("size", "id")


def user_is_auditor(user: Any) -> bool:
    return roles_of(user).filter(role="auditor").exists()


# --- "Who used my data" --------------------------------------------------------------------


def data_use_subjects(person: Any) -> dict[str, str | None]:
    """Subject ids the person may see uses of: their own (None) and those they hold a valid
    mandate for (mapped to that person's name, to say whose data each use is about)."""
    subjects: dict[str, str | None] = {str(person.pk): None}
    for mandate in mandates_held(person).filter(represented_person__isnull=False):
        represented = mandate.represented_person
        if represented is None:
            continue
        subjects.setdefault(str(represented.pk), represented.full_name)
    return subjects


def data_uses_queryset(subject_ids: Iterable[str]) -> QuerySet[Entry]:
    """Entries about these subjects, newest first (queued ones included; erased ones have no
    subject any more)."""
    return (
        Entry.objects.filter(subject_ref__in=list(subject_ids))
        .only("id", "subject_ref", "body")
        .order_by("-id")
    )


def data_uses_rows(
    records: Sequence[Entry], subjects: dict[str, str | None]
) -> list[dict[str, Any]]:
    """The rows of the API and the portal page: one query for organisation names."""
    parsed = [(r, json.loads(r.body)) for r in records if r.body is not None]
    indexes = entry_indexes(r.id for r in records)
    codes = {body["actor"]["org"] for _, body in parsed}
    names = (
        dict(
            organisations_list()
            .prefetch_related(None)
            .filter(code__in=codes)
            .values_list("code", "name")
        )
        if codes
        else {}
    )
    rows = []
    for record, body in parsed:
        about = None
        name = subjects.get(record.subject_ref) if record.subject_ref is not None else None
        if name is not None:
            about = {"id": record.subject_ref, "name": name}
        rows.append(
            {
                "index": indexes.get(record.id),
                "at": body["at"],
                "org": body["actor"]["org"],
                "org_name": names.get(body["actor"]["org"], body["actor"]["org"]),
                "action": body["action"],
                "purpose": body["purpose"],
                "legal_basis": body["legal_basis"],
                "fields": body["fields"],
                "about": about,
            }
        )
    return rows


def entry_visible_to(*, user: Any, entry: EntryView) -> bool:
    """Auditors see every entry; a person sees entries about themselves or people they hold a
    valid mandate for. Erased entries have no subject, so only auditors see them."""
    if user_is_auditor(user):
        return True
    person = getattr(user, "person", None)
    if person is None or entry.subject_ref is None:
        return False
    return entry.subject_ref in data_use_subjects(person)
