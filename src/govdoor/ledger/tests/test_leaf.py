"""The fast leaf encoder gives exactly the bytes of rfc8785.dumps (the spec's JCS)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from govdoor.core.clock import now
from govdoor.ledger import leaf, merkle, services
from govdoor.ledger.rows import rows_build

# Any unicode JCS can represent (everything but lone surrogates), controls and quotes included,
# with the characters an encoder is most likely to get wrong drawn more often.
TRICKY = st.sampled_from(
    ['"', "\\", "/", "\b", "\f", "\n", "\r", "\t", "\x00", "\x1f", "\x7f", "\u2028", "é", "😀"]
)
TEXT = st.lists(st.one_of(TRICKY, st.characters(exclude_categories=["Cs"])), max_size=30).map(
    "".join
)
NAME = TEXT.filter(lambda s: s.strip() != "")


@st.composite
def records(draw: Any) -> dict[str, Any]:
    return {
        "v": 1,
        "at": draw(st.sampled_from([leaf.timestamp(), leaf.timestamp(now()), 'x"y'])),
        "subject": draw(NAME.filter(lambda s: len(s) <= leaf.SUBJECT_MAX)),
        "actor": {"org": draw(NAME), "user": draw(st.none() | TEXT)},
        "action": draw(st.sampled_from(sorted(leaf.ACTIONS))),
        "purpose": draw(NAME),
        "legal_basis": draw(NAME),
        "fields": sorted(draw(st.lists(NAME.filter(bool), max_size=6))),
        "salt": leaf.salt_new(),
    }


@settings(max_examples=400, deadline=None)
@given(records())
def test_the_fast_encoder_equals_rfc8785_for_any_record(record):
    assert leaf.record_bytes(record) == rfc8785.dumps(record)


@settings(max_examples=200, deadline=None)
@given(st.lists(records(), min_size=1, max_size=8))
def test_bulk_rows_carry_the_same_bytes_and_leaf_hashes_as_rfc8785(drawn):
    entries = [
        services.LedgerEntryIn(
            subject_id=r["subject"],
            actor_org=r["actor"]["org"],
            actor_user=r["actor"]["user"],
            action=r["action"],
            purpose=r["purpose"],
            legal_basis=r["legal_basis"],
            fields=list(reversed(r["fields"])),  # the encoder sorts them
        )
        for r in drawn
    ]
    at = leaf.timestamp()
    rows = rows_build(entries, at, {})
    for row, r in zip(rows, drawn, strict=True):
        digest, subject, text = row
        decoded = json.loads(text)
        assert text.encode() == rfc8785.dumps(decoded)
        assert digest == merkle.leaf_hash(text.encode())
        assert subject == r["subject"] == decoded["subject"]
        expected = dict(r, at=at, salt=decoded["salt"])
        assert decoded == expected


def test_salts_are_32_random_bytes_and_never_repeat():
    entry = services.LedgerEntryIn(
        subject_id="s", actor_org="o", actor_user=None, action="read", purpose="p",
        legal_basis="l", fields=["a"],
    )  # fmt: skip
    rows = rows_build([entry] * 2000, leaf.timestamp(), {})
    salts = {json.loads(text)["salt"] for _, _, text in rows}
    assert len(salts) == 2000
    assert all(len(base64.b64decode(s, validate=True)) == 32 for s in salts)


@pytest.mark.parametrize("where", ["subject", "purpose", "fields", "actor_user"])
def test_lone_surrogates_are_refused_like_rfc8785_refuses_them(where):
    values: dict[str, Any] = dict(
        subject_id="s", actor_org="o", actor_user=None, action="read", purpose="p",
        legal_basis="l", fields=["a"],
    )  # fmt: skip
    key = {"subject": "subject_id"}.get(where, where)
    values[key] = ["a\ud800"] if where == "fields" else "a\ud800"
    with pytest.raises(ValueError):
        rows_build([services.LedgerEntryIn(**values)], leaf.timestamp(), {})
    record = services.record_build(**values)
    with pytest.raises(ValueError):
        services.leaf_bytes(record)
    with pytest.raises(ValueError):
        rfc8785.dumps(record)
