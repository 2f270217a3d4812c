"""Queued ledger rows from entries: the leaf hash, the subject and the canonical text.

Why a module of its own: every append (one entry, a data request's few, a population scan's
million) turns entries into the same rows, so the shared part of a record is validated and
encoded once per distinct (action, actor, purpose, legal basis, fields) and the salts come
from one call to the random source; `services` decides where the rows go.
"""

from __future__ import annotations

import binascii
import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from govdoor.ledger import leaf

# (leaf hash, subject ref, canonical record text), as `bulk` writes them
Row = tuple[bytes, str, str]


@dataclass(frozen=True, slots=True)
class LedgerEntryIn:
    """One entry for `ledger_append_many`: the same arguments as `ledger_append`."""

    subject_id: str
    actor_org: str
    actor_user: str | None
    action: str
    purpose: str
    legal_basis: str
    fields: Sequence[str]

    def __post_init__(self) -> None:
        if isinstance(self.fields, str):
            raise ValueError("fields are a sequence of non-empty field names")
        if not isinstance(self.fields, tuple):
            object.__setattr__(self, "fields", tuple(self.fields))


def rows_build(
    entries: Sequence[LedgerEntryIn], at: str, prefixes: dict[tuple[Any, ...], str]
) -> list[Row]:
    """Leaf hash, subject and canonical text of each entry: the shared part of a record is
    encoded once per distinct (action, actor, purpose, legal basis, fields)."""

    def heads() -> Iterator[tuple[str, Any]]:
        for e in entries:
            key = (e.action, e.actor_org, e.actor_user, e.purpose, e.legal_basis, e.fields)
            head = prefixes.get(key)
            if head is None:
                head = prefixes[key] = prefix_checked(e, at)
            yield head, e.subject_id

    return rows_from(heads(), len(entries))


def rows_from(pairs: Iterable[tuple[str, Any]], count: int) -> list[Row]:
    """The rows of (record prefix, subject) pairs; the salts come from one call to the
    random source."""
    salts = memoryview(os.urandom(32 * count))
    b64, sha, string = binascii.b2a_base64, hashlib.sha256, leaf.json_string
    rows: list[Row] = []
    add = rows.append
    offset = 0
    try:
        for head, subject_id in pairs:
            subject = subject_id if type(subject_id) is str else str(subject_id)
            if len(subject) > leaf.SUBJECT_MAX or not subject.strip():
                leaf.subject_check(subject)
            salt = b64(salts[offset : offset + 32], newline=False).decode("ascii")
            offset += 32
            text = head + salt + '","subject":' + string(subject) + ',"v":1}'
            add((sha(b"\x00" + text.encode("utf-8")).digest(), subject, text))
    except UnicodeEncodeError:
        raise ValueError("a ledger record cannot hold lone surrogate code points") from None
    return rows


def prefix_checked(e: LedgerEntryIn, at: str) -> str:
    """The record prefix of `e` at time `at`; ValueError if its shared part is not valid."""
    key = (e.action, e.actor_org, e.actor_user, e.purpose, e.legal_basis, e.fields)
    try:
        parts = _checked_parts.get(key)
    except TypeError:  # an unhashable part: not valid either, and the check words why
        parts = None
    if parts is None:
        parts = _parts_checked(e)
        if len(_checked_parts) >= _CHECKED_MAX:
            _checked_parts.clear()
        _checked_parts[key] = parts
    return parts[0] + leaf.json_string(at) + parts[1]


# The checked shared parts of the kinds of access this process has written (a few dozen:
# each is one organisation, action, purpose, legal basis and set of fields), so an access
# does not validate and encode the same parts again.
_CHECKED_MAX = 4096
_checked_parts: dict[tuple[Any, ...], tuple[str, str]] = {}


def _parts_checked(e: LedgerEntryIn) -> tuple[str, str]:
    sorted_fields = leaf.shared_parts_check(
        actor_org=e.actor_org,
        actor_user=e.actor_user,
        action=e.action,
        purpose=e.purpose,
        legal_basis=e.legal_basis,
        fields=e.fields,
    )
    return leaf.prefix_around_time(
        action=e.action,
        actor_org=e.actor_org,
        actor_user=e.actor_user,
        sorted_fields=sorted_fields,
        legal_basis=e.legal_basis,
        purpose=e.purpose,
    )
