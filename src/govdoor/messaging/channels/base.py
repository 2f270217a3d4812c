"""The channel plugin contract: one `send` per notification, returning the provider's answer.

Why `accepts_idempotency_key`: a channel whose provider recognises a repeated key (the demo
SMS outbox, the HTTP SMS adapter) can be retried blindly after a crash and still deliver
once; the others (SMTP, web push) are at least once, and we say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from govdoor.core.registry import Registry


@dataclass(frozen=True)
class Outbound:
    idempotency_key: str
    to: str
    subject: str
    body: str
    short_text: str
    verification_code: str
    organisation_name: str
    optional: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    # The RFC 8058 one-click URL for emails of an optional message type ("" otherwise).
    unsubscribe_url: str = ""


@dataclass(frozen=True)
class Answer:
    """What the provider said. `retryable` False means retrying cannot help (bad address)."""

    ok: bool
    provider_ref: str = ""
    detail: str = ""
    retryable: bool = True


class ChannelError(Exception):
    """A provider refused or could not be reached; the notification is retried."""


class Channel(Protocol):
    kind: ClassVar[str]  # the ContactPoint kind it delivers to ("" for in-portal)
    accepts_idempotency_key: ClassVar[bool]

    def send(self, outbound: Outbound) -> Answer: ...


channels: Registry[type[Channel]] = Registry("notification channels")
