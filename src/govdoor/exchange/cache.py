"""Per-process caches of what every data request looks up but rarely changes: the registers
asked, the purpose the requester holds and its approved policies, the outcome of checking a
set of fields against them (per day and language), and the organisation behind an agency
client.

Why: these lookups were most of a data request's queries and ORM time, and they change a few
times a year. Each entry lives `GOVDOOR_EXCHANGE_CACHE_SECONDS` (default 2 s; 0 turns the
cache off). A change saved through the ORM in this process (services, admin, factories)
clears the whole cache at once (signals, connected in apps.py); another process sees it
within the TTL. What can change per person (objections, consent) is never cached.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")

MAX_ENTRIES = 2048

_lock = threading.Lock()
_entries: dict[Hashable, tuple[float, Any]] = {}


def ttl() -> float:
    return float(getattr(settings, "GOVDOOR_EXCHANGE_CACHE_SECONDS", 2.0))


def cached(key: Hashable, load: Callable[[], T]) -> T:
    """The value under `key`, loaded by `load()` when absent or older than the TTL."""
    seconds = ttl()
    if seconds <= 0:
        return load()
    now = time.monotonic()
    hit = _entries.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]  # type: ignore[no-any-return]
    value = load()
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[key] = (now + seconds, value)
    return value


def clear(*args: Any, **kwargs: Any) -> None:
    """Forget everything (a signal receiver: any arguments)."""
    with _lock:
        _entries.clear()


def connect() -> None:
    """Clear on any change of what is cached (called once from ExchangeConfig.ready)."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from govdoor.exchange.models import AccessPolicy, Purpose

    senders: list[Any] = [Purpose, AccessPolicy]
    for label, model in (("registries", "Register"), ("identity", "AgencyClient")):
        if apps.is_installed(f"govdoor.{label}"):
            senders.append(apps.get_model(label, model))
    for sender in senders:
        uid = f"exchange-cache-{sender._meta.label_lower}"
        post_save.connect(clear, sender=sender, dispatch_uid=f"{uid}-save")
        post_delete.connect(clear, sender=sender, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        clear,
        sender=Purpose.requesting_organisations.through,
        dispatch_uid="exchange-cache-requesters",
    )
