"""Signed checkpoints, checked with the independent verifier (tests/verifier.py)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govdoor.ledger import notes, selectors, services
from govdoor.ledger.tests import verifier

pytestmark = pytest.mark.django_db

SEED = bytes(range(32))


@pytest.fixture
def fixed_key(settings):
    settings.GOVDOOR_LEDGER_SIGNING_KEY = base64.b64encode(SEED).decode()
    settings.GOVDOOR_LEDGER_KEY_NAME = "ledger.demoland.example"
    return Ed25519PrivateKey.from_private_bytes(SEED)


def test_the_verifier_key_string_follows_the_spec(fixed_key):
    public = notes.public_bytes(fixed_key.public_key())
    kid = hashlib.sha256(b"ledger.demoland.example\n\x01" + public).digest()[:4]
    expected = (
        "ledger.demoland.example+" + kid.hex() + "+" + base64.b64encode(b"\x01" + public).decode()
    )
    assert services.verifier_key() == expected


def test_a_checkpoint_is_a_signed_note_of_the_integrated_tree(fixed_key, append):
    for _ in range(5):
        append()
    services.ledger_sequence_all()
    append()  # queued, not integrated: not covered
    note = services.checkpoint_sign().note
    origin, size, root = verifier.open_checkpoint(note, services.verifier_key())
    assert origin == "ledger.demoland.example"
    assert size == 5
    assert root == selectors.tree_root(size=5)
    lines = note.split("\n")
    assert lines[3] == "" and lines[4].startswith("\u2014 ledger.demoland.example ")
    assert note.endswith("\n") and lines[5] == ""
    assert lines[2] == base64.b64encode(root).decode()


def test_the_empty_log_has_a_checkpoint_of_size_zero_with_the_empty_root(fixed_key):
    note = services.checkpoint_sign().note
    _, size, root = verifier.open_checkpoint(note, services.verifier_key())
    assert (size, root) == (0, hashlib.sha256(b"").digest())


def test_a_changed_body_breaks_the_signature(fixed_key, append):
    append()
    services.ledger_sequence_all()
    note = services.checkpoint_sign().note
    forged = note.replace("\n1\n", "\n2\n", 1)
    assert forged != note
    with pytest.raises(InvalidSignature):
        verifier.open_checkpoint(forged, services.verifier_key())
    with pytest.raises(notes.NoteError):
        notes.note_open(forged, services.verifier_key())


def test_another_key_does_not_verify_the_checkpoint(fixed_key, settings):
    note = services.checkpoint_sign().note
    other = Ed25519PrivateKey.generate()
    vkey = notes.verifier_key("ledger.demoland.example", notes.public_bytes(other.public_key()))
    with pytest.raises(AssertionError):
        verifier.open_checkpoint(note, vkey)
    with pytest.raises(notes.NoteError):
        notes.note_open(note, vkey)


def test_a_new_key_name_publishes_a_new_checkpoint_of_the_same_size(fixed_key, settings):
    first = services.checkpoint_sign()
    settings.GOVDOOR_LEDGER_KEY_NAME = "ledger2.demoland.example"
    second = services.checkpoint_sign()
    assert first.pk != second.pk and second.size == first.size
    assert second.note.startswith("ledger2.demoland.example\n")


@pytest.mark.parametrize("bad", ["", "not base64!", base64.b64encode(b"short").decode()])
def test_a_malformed_signing_key_is_refused(settings, bad):
    settings.GOVDOOR_LEDGER_SIGNING_KEY = bad
    with pytest.raises(notes.NoteError):
        notes.signing_key()


@pytest.mark.parametrize("name", ["", "has space", "a+b"])
def test_a_key_name_that_would_break_the_note_is_refused(settings, name):
    settings.GOVDOOR_LEDGER_KEY_NAME = name
    with pytest.raises(notes.NoteError):
        notes.key_name()
