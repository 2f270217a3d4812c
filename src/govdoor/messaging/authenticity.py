"""Verification codes and Ed25519 signatures, so people can tell our messages from phishing.

Why a short code: a person who doubts an email, text or letter types the code into a public
page that says whether it is real and which organisation sent it (never what it says). The
code has 50 random bits in Crockford base32, so guessing one is hopeless and the checker is
rate-limited besides.

Why signatures: a mail client add-on can check a message offline against the published
public keys (`/check-a-message/keys.json`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_CHARS = 10
_PAIRS = [a + b for a in ALPHABET for b in ALPHABET]  # 1,024 two-character groups (10 bits)
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def code_new() -> str:
    """A fresh code like "7K3M-Q9TX-2B": 50 bits from the OS's CSPRNG, 5 bits a character.

    Why not `secrets.choice` per character: codes are made for every notification (100,000
    reminders on one morning); one 64-bit draw cut into ten 5-bit groups is uniform too
    (32 is a power of two, so no modulo bias) and many times cheaper.
    """
    bits = secrets.randbits(CODE_CHARS * 5)
    raw = "".join([_PAIRS[(bits >> (10 * i)) & 1023] for i in range(CODE_CHARS // 2)])
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def code_normalise(text: str) -> str | None:
    """What a person typed, as the stored form; None when it cannot be a code at all."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_CONFUSABLE)
    if len(raw) != CODE_CHARS or any(ch not in ALPHABET for ch in raw):
        return None
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@lru_cache(maxsize=2)
def _signing_key(seed_b64: str) -> Ed25519PrivateKey:
    seed = base64.b64decode(seed_b64)
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"govdoor-messages" + seed).digest())


def signing_key() -> Ed25519PrivateKey:
    return _signing_key(settings.GOVDOOR_MESSAGE_SIGNING_KEY)


def key_id(public: Ed25519PublicKey | None = None) -> str:
    public = public or signing_key().public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def canonical(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(document: Mapping[str, Any]) -> tuple[str, str]:
    """Sign the canonical JSON of `document`; returns (key id, base64url signature)."""
    signature = signing_key().sign(canonical(document))
    return key_id(), base64.urlsafe_b64encode(signature).decode().rstrip("=")


def verify(document: Mapping[str, Any], signature: str, public: Ed25519PublicKey) -> bool:
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    try:
        public.verify(raw, canonical(document))
    except InvalidSignature:
        return False
    return True


def published_keys() -> dict[str, Any]:
    """The JSON Web Key Set of message-signing keys (OKP / Ed25519, RFC 8037)."""
    public = signing_key().public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "kid": key_id(public),
                "use": "sig",
                "x": base64.urlsafe_b64encode(raw).decode().rstrip("="),
            }
        ]
    }


def digest(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()
