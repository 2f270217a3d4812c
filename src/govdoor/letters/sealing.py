"""Binary AES-GCM envelopes for letter PDFs, under the field keys of core.crypto.

Why not `crypto.encrypt` itself: it seals text, and a PDF through base64 and a text
envelope grows by three quarters. This is the same scheme (the active key of
GOVDOOR_FIELD_KEYS encrypts, any key of the ring decrypts, the key id travels with the
envelope, a context is bound as AAD) in bytes: b"G1" | len(kid) | kid | nonce | sealed.
"""

from __future__ import annotations

import os

from govdoor.core import crypto

MAGIC = b"G1"


def seal(data: bytes, *, context: str) -> bytes:
    ring = crypto.keyring()
    kid = ring.active_kid.encode()
    nonce = os.urandom(12)
    sealed = ring.cipher(ring.active_kid).encrypt(nonce, data, context.encode())
    return MAGIC + bytes([len(kid)]) + kid + nonce + sealed


def unseal(envelope: bytes, *, context: str) -> bytes:
    """The plaintext, or crypto.DecryptionError (malformed, unknown key, wrong context)."""
    envelope = bytes(envelope)
    if envelope[:2] != MAGIC or len(envelope) < 3:
        raise crypto.DecryptionError("not a letter envelope")
    size = envelope[2]
    kid = envelope[3 : 3 + size].decode(errors="replace")
    rest = envelope[3 + size :]
    ring = crypto.keyring()
    if kid not in ring.keys:
        raise crypto.DecryptionError(f"unknown key id {kid!r}")
    if len(rest) < 12 + 16:
        raise crypto.DecryptionError("envelope is too short")
    try:
        return ring.cipher(kid).decrypt(rest[:12], rest[12:], context.encode())
    except Exception as exc:  # InvalidTag
        raise crypto.DecryptionError("envelope failed authentication") from exc
