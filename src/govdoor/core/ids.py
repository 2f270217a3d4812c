"""Opaque identifiers: time-ordered UUIDs (version 7), never national numbers in URLs."""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0
_COUNTER_MAX = 0xFFF


def uuid7() -> uuid.UUID:
    """RFC 9562 UUIDv7: 48-bit Unix milliseconds, a 12-bit counter, then 62 random bits.

    Why a counter in `rand_a` (RFC 9562 §6.2, method 1): ids made in the same millisecond by
    one process still sort in creation order, so "order by id" is "order by creation" for
    outbox events. The counter starts at a random value below 2048 each millisecond so ids
    stay hard to guess; when it runs out, the timestamp is advanced by one millisecond.
    """
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms > _last_ms:
            _last_ms = ms
            _counter = int.from_bytes(os.urandom(2), "big") & 0x7FF
        else:
            _counter += 1
            if _counter > _COUNTER_MAX:
                _last_ms += 1
                _counter = 0
        ms, counter = _last_ms, _counter
    rand = int.from_bytes(os.urandom(8), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def uuid_or_none(value: object) -> uuid.UUID | None:
    """The UUID a path or query parameter names, or None when it is not one.

    Why None and not an exception: a malformed id and an unknown id both answer "not
    found", so callers treat them alike without a try block each.
    """
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None
