"""In-portal notification: the mailbox itself shows the unread message; nothing leaves."""

from __future__ import annotations

from typing import ClassVar

from govdoor.messaging.channels.base import Answer, Outbound, channels


@channels.register("portal")
class PortalChannel:
    kind: ClassVar[str] = ""
    accepts_idempotency_key: ClassVar[bool] = True

    def send(self, outbound: Outbound) -> Answer:
        return Answer(ok=True, provider_ref=f"portal:{outbound.idempotency_key}")
