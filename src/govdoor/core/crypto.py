"""Field encryption for personal identifiers: AES-GCM envelopes with a key id, blind indexes.

Why an envelope with a key id: keys rotate. New values are encrypted with the first key of
GOVDOOR_FIELD_KEYS; old values still decrypt with the key their envelope names, and
`reencrypt()` moves them to the current key.

Why a blind index: an encrypted national number cannot be searched, so beside it we store
HMAC-SHA256(value) under a separate key. It answers exact-match lookups only and does not
reveal the value to someone who reads the database without the key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ENVELOPE_VERSION = "g1"


class DecryptionError(ValueError):
    """The envelope is malformed, names an unknown key, or was tampered with."""


@dataclass(frozen=True)
class Keyring:
    active_kid: str
    keys: dict[str, bytes]
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, repr=False, compare=False)

    def cipher(self, kid: str) -> AESGCM:
        """The AES-GCM cipher of key `kid`, made once per ring (a third of a decryption's cost
        when made per call)."""
        found = self._ciphers.get(kid)
        if found is None:
            found = self._ciphers[kid] = AESGCM(self.keys[kid])
        return found


def parse_keyring(spec: str) -> Keyring:
    """Parse "kid:base64key[,kid:base64key...]"; the first key encrypts, all decrypt."""
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        kid, sep, b64 = part.partition(":")
        if not sep or not kid.isalnum():
            raise ImproperlyConfigured("GOVDOOR_FIELD_KEYS entries must look like kid:base64key")
        if kid in keys:
            raise ImproperlyConfigured(f"field key id {kid!r} appears twice")
        try:
            key = base64.b64decode(b64, validate=True)
        except binascii.Error:
            raise ImproperlyConfigured(f"field key {kid!r} is not valid base64") from None
        if len(key) != 32:
            raise ImproperlyConfigured(f"field key {kid!r} must be 32 bytes (AES-256)")
        keys[kid] = key
        order.append(kid)
    if not order:
        raise ImproperlyConfigured("GOVDOOR_FIELD_KEYS holds no key")
    return Keyring(active_kid=order[0], keys=keys)


@lru_cache(maxsize=4)
def _keyring(spec: str) -> Keyring:
    return parse_keyring(spec)


def keyring() -> Keyring:
    return _keyring(settings.GOVDOOR_FIELD_KEYS)


def encrypt(plaintext: str, *, context: str = "", ring: Keyring | None = None) -> str:
    """Encrypt to "g1.<kid>.<base64(nonce||ciphertext||tag)>"; `context` is bound as AAD."""
    ring = ring or keyring()
    nonce = os.urandom(12)
    sealed = ring.cipher(ring.active_kid).encrypt(nonce, plaintext.encode(), context.encode())
    blob = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    return f"{ENVELOPE_VERSION}.{ring.active_kid}.{blob}"


def _split(envelope: str) -> tuple[str, str, str]:
    parts = envelope.split(".", 2) if isinstance(envelope, str) else []
    if len(parts) != 3:
        raise DecryptionError("not a govdoor envelope")
    version, kid, blob = parts
    if version != ENVELOPE_VERSION:
        raise DecryptionError(f"unknown envelope version {version!r}")
    return version, kid, blob


def decrypt(envelope: str, *, context: str = "", ring: Keyring | None = None) -> str:
    """Open an envelope sealed under any key of the ring; `context` must match the sealing one.

    Every failure (malformed, unknown key, wrong context, tampered bytes) is a
    DecryptionError, so callers have one thing to catch and nothing leaks the plaintext.
    """
    ring = ring or keyring()
    _, kid, blob = _split(envelope)
    if kid not in ring.keys:
        raise DecryptionError(f"unknown key id {kid!r}")
    try:
        raw = base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("envelope is not valid base64") from None
    if len(raw) < 12 + 16:
        raise DecryptionError("envelope is too short")
    try:
        return ring.cipher(kid).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except Exception as exc:  # InvalidTag and friends
        raise DecryptionError("envelope failed authentication") from exc


def key_id_of(envelope: str) -> str:
    return _split(envelope)[1]


def reencrypt(envelope: str, *, context: str = "", ring: Keyring | None = None) -> str:
    """Re-seal with the active key (rotation); a no-op when it already uses it."""
    ring = ring or keyring()
    if key_id_of(envelope) == ring.active_kid:
        return envelope
    return encrypt(decrypt(envelope, context=context, ring=ring), context=context, ring=ring)


@lru_cache(maxsize=4)
def _index_key(spec: str) -> bytes:
    return base64.b64decode(spec) if len(spec) >= 44 else spec.encode()


def blind_index(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of a normalised value, separated by purpose so indexes don't correlate."""
    key = _index_key(settings.GOVDOOR_BLIND_INDEX_KEY)
    normalised = "".join(value.split()).upper()
    return hmac.new(key, f"{purpose}\x00{normalised}".encode(), hashlib.sha256).hexdigest()
