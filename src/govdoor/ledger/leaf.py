"""The ledger record and its leaf bytes, built fast for the one record shape the spec fixes.

Why not `rfc8785.dumps` on every append: it is a general JCS encoder written in Python,
and a population scan appends a million entries. The record has a fixed shape (nine keys,
one nested object of two keys, a list of strings, one integer), so its canonical form is the
keys in JCS order (UTF-16 code units, spelled out below) around JSON strings. A JSON string
in JCS escapes exactly `"`, `\\` and the controls below U+0020 (`\\b \\t \\n \\f \\r` by
name, the others as lowercase `\\u00xx`) and leaves every other character as it is, which is
what the standard library's C `encode_basestring` does. The property tests in
`tests/test_leaf.py` check byte equality with `rfc8785.dumps` over arbitrary unicode.

The part of a record that is the same for many entries (action, actor, time, fields, legal
basis, purpose) is encoded once as a prefix; each entry adds its salt and its subject.
"""

from __future__ import annotations

import base64
import json.encoder
import secrets
from collections.abc import Sequence
from typing import Any

from govdoor.core import clock

ACTIONS = frozenset({"read", "disclose", "prefill", "decide", "export", "erase"})
SUBJECT_MAX = 64  # the width of Entry.subject_ref

json_string: Any = json.encoder.encode_basestring  # type: ignore[attr-defined]


def timestamp(moment: Any = None) -> str:
    """The record's "at": UTC with six digits of microseconds and a Z."""
    return (moment or clock.now()).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def shared_parts_check(
    *,
    actor_org: str,
    actor_user: str | None,
    action: str,
    purpose: str,
    legal_basis: str,
    fields: Sequence[str],
) -> list[str]:
    """Validate what many entries may share; returns the fields sorted. ValueError if bad."""
    if action not in ACTIONS:
        raise ValueError(f"ledger action must be one of {sorted(ACTIONS)}")
    if not isinstance(actor_org, str) or not actor_org:
        raise ValueError("a ledger entry needs an organisation and a purpose")
    if not isinstance(purpose, str) or not purpose.strip():
        raise ValueError("a ledger entry needs an organisation and a purpose")
    if not isinstance(legal_basis, str) or not legal_basis.strip():
        raise ValueError("a ledger entry needs a legal basis")
    if actor_user is not None and not isinstance(actor_user, str):
        raise ValueError("the actor's user is a pseudonymous id (a string) or None")
    if isinstance(fields, str) or not all(isinstance(f, str) and f for f in fields):
        raise ValueError("fields are a sequence of non-empty field names")
    return sorted(fields)


def subject_check(subject_id: Any) -> str:
    subject = str(subject_id)
    if not subject.strip():
        raise ValueError("a ledger entry needs a subject")
    if len(subject) > SUBJECT_MAX:
        raise ValueError(f"a ledger subject is a pseudonymous id of at most {SUBJECT_MAX} chars")
    return subject


def salt_new() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def prefix(
    *,
    action: str,
    actor_org: str,
    actor_user: str | None,
    at: str,
    sorted_fields: Sequence[str],
    legal_basis: str,
    purpose: str,
) -> str:
    """The canonical text of a record up to the salt's value (keys in JCS order)."""
    before, after = prefix_around_time(
        action=action,
        actor_org=actor_org,
        actor_user=actor_user,
        sorted_fields=sorted_fields,
        legal_basis=legal_basis,
        purpose=purpose,
    )
    return before + json_string(at) + after


def prefix_around_time(
    *,
    action: str,
    actor_org: str,
    actor_user: str | None,
    sorted_fields: Sequence[str],
    legal_basis: str,
    purpose: str,
) -> tuple[str, str]:
    """`prefix` without its time, as the text before and after the time's JSON string: what
    the entries of one kind of access share, whenever they are written."""
    user = "null" if actor_user is None else json_string(actor_user)
    before = (
        '{"action":'
        + json_string(action)
        + ',"actor":{"org":'
        + json_string(actor_org)
        + ',"user":'
        + user
        + '},"at":'
    )
    after = (
        ',"fields":['
        + ",".join([json_string(f) for f in sorted_fields])
        + '],"legal_basis":'
        + json_string(legal_basis)
        + ',"purpose":'
        + json_string(purpose)
        + ',"salt":"'
    )
    return before, after


def text(record_prefix: str, salt: str, subject: str) -> str:
    """The whole canonical record: the prefix, then the salt (base64: nothing to escape)."""
    return record_prefix + salt + '","subject":' + json_string(subject) + ',"v":1}'


def encode(text_: str) -> bytes:
    """UTF-8, refusing lone surrogates (JCS cannot represent them) with a ValueError."""
    try:
        return text_.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a ledger record cannot hold lone surrogate code points") from None


def record_bytes(record: dict[str, Any]) -> bytes:
    """JCS bytes of a record of the spec's shape (equal to `rfc8785.dumps(record)`)."""
    actor = record["actor"]
    head = prefix(
        action=record["action"],
        actor_org=actor["org"],
        actor_user=actor["user"],
        at=record["at"],
        sorted_fields=record["fields"],
        legal_basis=record["legal_basis"],
        purpose=record["purpose"],
    )
    return encode(text(head, record["salt"], record["subject"]))
