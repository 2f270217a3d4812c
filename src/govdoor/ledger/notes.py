"""Checkpoints as C2SP tlog-checkpoint bodies in C2SP signed notes, with Ed25519.

Why our own few lines instead of a library: the format is a contract with outside verifiers
(specs/ledger.md), so every byte is spelled out here where it can be read against the spec.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

SIGNATURE_PREFIX = "\u2014 "  # an em dash and a space start every signature line
ED25519_TYPE = b"\x01"


class NoteError(ValueError):
    """A checkpoint that does not parse, or whose signature does not verify."""


@dataclass(frozen=True)
class CheckpointBody:
    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


def _check_name(name: str) -> str:
    if not name or any(c.isspace() for c in name) or "+" in name:
        raise NoteError("a key name is non-empty, without spaces or '+'")
    return name


def key_name() -> str:
    return _check_name(settings.GOVDOOR_LEDGER_KEY_NAME)


def signing_key() -> Ed25519PrivateKey:
    try:
        seed = base64.b64decode(settings.GOVDOOR_LEDGER_SIGNING_KEY, validate=True)
    except binascii.Error as exc:
        raise NoteError("GOVDOOR_LEDGER_SIGNING_KEY is not base64") from exc
    if len(seed) != 32:
        raise NoteError("GOVDOOR_LEDGER_SIGNING_KEY must be a 32-byte Ed25519 seed")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(name: str, public_key: bytes) -> bytes:
    """First 4 bytes of SHA-256(key name || "\\n" || 0x01 || public key)."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519_TYPE + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    encoded = base64.b64encode(ED25519_TYPE + public_key).decode()
    return f"{_check_name(name)}+{key_id(name, public_key).hex()}+{encoded}"


def note_sign(body: CheckpointBody, *, name: str, key: Ed25519PrivateKey) -> str:
    text = body.text()
    signature = key.sign(text.encode())
    kid = key_id(name, public_bytes(key.public_key()))
    return f"{text}\n{SIGNATURE_PREFIX}{name} {base64.b64encode(kid + signature).decode()}\n"


def verifier_parse(vkey: str) -> tuple[str, bytes, bytes]:
    """(name, key id, public key) from a verifier key string; checks the key id matches."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3:
        raise NoteError("a verifier key is name+keyid+key")
    name, kid_hex, encoded = parts
    try:
        raw = base64.b64decode(encoded, validate=True)
        kid = bytes.fromhex(kid_hex)
    except (binascii.Error, ValueError) as exc:
        raise NoteError("malformed verifier key") from exc
    if len(raw) != 33 or raw[:1] != ED25519_TYPE or len(kid) != 4:
        raise NoteError("not an Ed25519 verifier key")
    if key_id(name, raw[1:]) != kid:
        raise NoteError("the verifier key's id does not match its key")
    return name, kid, raw[1:]


def note_open(note: str, vkey: str) -> CheckpointBody:
    """Parse a signed checkpoint and verify its signature by `vkey`; raises NoteError."""
    name, kid, public_key = verifier_parse(vkey)
    text, sep, signatures = note.partition("\n\n")
    if not sep or not text or text.count("\n") != 2:
        raise NoteError("a checkpoint body is three lines followed by a blank line")
    body_text = text + "\n"
    origin, size_line, root_line = text.split("\n")
    verified = False
    for line in signatures.split("\n"):
        if not line:
            continue
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError("malformed signature line")
        sig_name, _, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        try:
            blob = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise NoteError("signature is not base64") from exc
        if sig_name != name or blob[:4] != kid or len(blob) != 68:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(blob[4:], body_text.encode())
        except InvalidSignature as exc:
            raise NoteError("the checkpoint signature does not verify") from exc
        verified = True
    if not verified:
        raise NoteError("no signature by the given key")
    if not size_line.isdigit() or (size_line != "0" and size_line.startswith("0")):
        raise NoteError("malformed tree size")
    try:
        root = base64.b64decode(root_line, validate=True)
    except binascii.Error as exc:
        raise NoteError("malformed root hash") from exc
    if len(root) != 32:
        raise NoteError("a root hash is 32 bytes")
    return CheckpointBody(origin=origin, size=int(size_line), root=root)
