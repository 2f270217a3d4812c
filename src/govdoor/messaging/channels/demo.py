"""The demo SMS provider: writes into an inspectable outbox table, once per idempotency key.

It is also the receiver of the P4 benchmark, where "count at the receiver" is its row count.
The insert runs in its own transaction (autocommit), as a remote provider's would: it stays
even when the worker dies before recording that it sent.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import IntegrityError, connection, transaction

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
        """One insert for many, ignoring keys it already holds (as the provider would)."""
        keys = [o.idempotency_key for o in outbounds]
        with transaction.atomic():
            if connection.vendor == "postgresql":
                fresh = self._insert_pg(outbounds)
            else:
                fresh = self._insert_orm(outbounds)
            missing = [k for k in keys if k not in fresh]
            refs = dict(fresh)
            if missing:
                refs.update(
                    DemoOutboxEntry.objects.filter(idempotency_key__in=missing).values_list(
                        "idempotency_key", "pk"
                    )
                )
        return [
            Answer(
                ok=True,
                provider_ref=f"demo:{refs[key]}",
                detail="accepted" if key in fresh else "duplicate ignored",
            )
            for key in keys
        ]

    def _rows(self, outbounds: list[Outbound]) -> list[tuple[str, str, str]]:
        return [
            (o.idempotency_key, o.to, f"{o.short_text} [{o.verification_code}]") for o in outbounds
        ]

    def _insert_orm(self, outbounds: list[Outbound]) -> dict[str, int]:
        keys = [o.idempotency_key for o in outbounds]
        before = set(
            DemoOutboxEntry.objects.filter(idempotency_key__in=keys).values_list(
                "idempotency_key", flat=True
            )
        )
        now = clock.now()
        DemoOutboxEntry.objects.bulk_create(
            [
                DemoOutboxEntry(
                    idempotency_key=key, channel=self.channel_id, to=to, text=text, received_at=now
                )
                for key, to, text in self._rows(outbounds)
                if key not in before
            ],
            ignore_conflicts=True,
        )
        return dict(
            DemoOutboxEntry.objects.filter(idempotency_key__in=set(keys) - before).values_list(
                "idempotency_key", "pk"
            )
        )

    def _insert_pg(self, outbounds: list[Outbound]) -> dict[str, int]:
        """INSERT ... ON CONFLICT DO NOTHING RETURNING: the keys it newly accepted."""
        fields = {f.name: f for f in DemoOutboxEntry._meta.concrete_fields}
        seal_to, seal_text = fields["to"].get_prep_value, fields["text"].get_prep_value
        rows = self._rows(outbounds)
        table = connection.ops.quote_name(DemoOutboxEntry._meta.db_table)
        sql = (
            f"INSERT INTO {table} (idempotency_key, channel, {connection.ops.quote_name('to')}, "
            "text, received_at) SELECT k, %s, t, x, %s FROM unnest(%s::varchar[], %s::text[], "
            "%s::text[]) AS v(k, t, x) ON CONFLICT (idempotency_key) DO NOTHING "
            "RETURNING idempotency_key, id"
        )
        params: list[Any] = [
            self.channel_id,
            clock.now(),
            [r[0] for r in rows],
            [seal_to(r[1]) for r in rows],
            [seal_text(r[2]) for r in rows],
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return dict(cursor.fetchall())


channels.register("sms-demo")(DemoOutboxChannel)
