"""The demo SMS provider: writes into an inspectable outbox table, once per idempotency key.

It is also the receiver of the P4 benchmark, where "count at the receiver" is its row count.
The insert runs in its own transaction (autocommit), as a remote provider's would: it stays
even when the worker dies before recording that it sent.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import IntegrityError, transaction

from govdoor.core import clock
from govdoor.messaging.channels.base import Answer, Outbound, channels
from govdoor.messaging.models import DemoOutboxEntry


class DemoOutboxChannel:
    kind: ClassVar[str] = "sms"
    accepts_idempotency_key: ClassVar[bool] = True
    channel_id: ClassVar[str] = "sms-demo"

    def send(self, outbound: Outbound) -> Answer:
        text = f"{outbound.short_text} [{outbound.verification_code}]"
        try:
            with transaction.atomic():
                entry = DemoOutboxEntry.objects.create(
                    idempotency_key=outbound.idempotency_key,
                    channel=self.channel_id,
                    to=outbound.to,
                    text=text,
                    received_at=clock.now(),
                )
        except IntegrityError:
            entry = DemoOutboxEntry.objects.get(idempotency_key=outbound.idempotency_key)
            return Answer(ok=True, provider_ref=f"demo:{entry.pk}", detail="duplicate ignored")
        return Answer(ok=True, provider_ref=f"demo:{entry.pk}", detail="accepted")

    def send_many(self, outbounds: list[Outbound]) -> list[Answer]:
        """One insert for many (ON CONFLICT DO NOTHING on the idempotency key)."""
        keys = [o.idempotency_key for o in outbounds]
        with transaction.atomic():
            before = set(
                DemoOutboxEntry.objects.filter(idempotency_key__in=keys).values_list(
                    "idempotency_key", flat=True
                )
            )
            now = clock.now()
            DemoOutboxEntry.objects.bulk_create(
                [
                    DemoOutboxEntry(
                        idempotency_key=o.idempotency_key,
                        channel=self.channel_id,
                        to=o.to,
                        text=f"{o.short_text} [{o.verification_code}]",
                        received_at=now,
                    )
                    for o in outbounds
                    if o.idempotency_key not in before
                ],
                ignore_conflicts=True,
            )
            refs = dict(
                DemoOutboxEntry.objects.filter(idempotency_key__in=keys).values_list(
                    "idempotency_key", "pk"
                )
            )
        return [
            Answer(
                ok=True,
                provider_ref=f"demo:{refs[key]}",
                detail="duplicate ignored" if key in before else "accepted",
            )
            for key in keys
        ]


channels.register("sms-demo")(DemoOutboxChannel)
