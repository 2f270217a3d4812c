"""An independent verifier, as an outside party would write it from specs/ledger.md alone.

It shares no code with govdoor.ledger: its own note parser, key id, JCS (via rfc8785 only for
the leaf bytes) and RFC 9162 inclusion and consistency checks.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def parse_key(vkey: str) -> tuple[str, bytes, bytes]:
    name, kid_hex, b64 = vkey.strip().split("+", 2)
    raw = base64.b64decode(b64)
    assert raw[0] == 1 and len(raw) == 33, "an Ed25519 verifier key"
    kid = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    assert kid.hex() == kid_hex, "the key id is the hash of name and key"
    return name, kid, raw[1:]


def open_checkpoint(note: str, vkey: str) -> tuple[str, int, bytes]:
    """(origin, size, root) of a checkpoint signed by `vkey`, or AssertionError."""
    name, kid, public = parse_key(vkey)
    body, signatures = note.split("\n\n", 1)
    body += "\n"
    lines = body.split("\n")
    assert len(lines) == 4 and lines[3] == "", "three body lines"
    ok = False
    for line in signatures.splitlines():
        assert line.startswith("\u2014 "), "signature lines start with an em dash"
        sig_name, b64 = line[2:].split(" ")
        blob = base64.b64decode(b64)
        if sig_name == name and blob[:4] == kid:
            Ed25519PublicKey.from_public_bytes(public).verify(blob[4:], body.encode())
            ok = True
    assert ok, "signed by the key"
    return lines[0], int(lines[1]), base64.b64decode(lines[2])


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf_hash(leaf: bytes) -> bytes:
    return _h(b"\x00" + leaf)


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes | None:
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn % 2 == 1 or fn == sn:
            r = _h(b"\x01" + p + r)
            while fn % 2 == 0 and fn != 0:
                fn //= 2
                sn //= 2
        else:
            r = _h(b"\x01" + r + p)
        fn //= 2
        sn //= 2
    return r if sn == 0 else None


def consistent(m: int, n: int, old: bytes, new: bytes, proof: list[bytes]) -> bool:
    if m == n:
        return not proof and old == new
    if not proof:
        return False
    path = ([old] if m & (m - 1) == 0 else []) + proof
    fn, sn = m - 1, n - 1
    while fn % 2 == 1:
        fn //= 2
        sn //= 2
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr, sr = _h(b"\x01" + c + fr), _h(b"\x01" + c + sr)
            while fn % 2 == 0 and fn != 0:
                fn //= 2
                sn //= 2
        else:
            sr = _h(b"\x01" + sr + c)
        fn //= 2
        sn //= 2
    return fr == old and sr == new and sn == 0
