"""Attempting many notifications at once: three commits per batch instead of three each.

Why: deadline reminders come in tens of thousands on the same morning. The guarantees are
the ones of `notify.notification_attempt`: the claim (status `sending`, attempts + 1)
commits before anything is sent, so a worker that dies mid-batch leaves its rows for the
sweeper once the lease has passed, and the resend carries the same idempotency keys.
Channels that can take a list (`send_many`) get one call per batch. The claim reads plain
values (no model instances) and the answers are written in one statement (`bulkdb`).
Notifications tied to a mailbox message are recorded one by one, since each also updates
its message's status and delivery records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from govdoor.core import clock
from govdoor.messaging import notify
from govdoor.messaging.bulkdb import answers_record
from govdoor.messaging.channels import Answer, ChannelError, Outbound, channels
from govdoor.messaging.models import Notification


@dataclass
class Claimed:
    """A claimed notification: what sending needs and what the answer sets."""

    pk: Any
    idempotency_key: str
    channel: str
    subject: str
    body: str
    verification_code: str
    message_id: Any
    attempts: int
    to: str
    organisation_name: str
    optional: bool
    person_id: Any
    type_code: str
    status: str = Notification.Status.SENDING
    sent_at: dt.datetime | None = None
    provider_ref: str = ""
    provider_answer: str = ""
    last_error: str = ""
    next_attempt_at: dt.datetime | None = None

    def outbound(self) -> Outbound:
        return Outbound(
            idempotency_key=self.idempotency_key,
            to=self.to,
            subject=self.subject,
            body=self.body,
            short_text=self.body if self.channel != "email" else self.subject,
            verification_code=self.verification_code,
            organisation_name=self.organisation_name,
            optional=self.optional,
            unsubscribe_url=notify.unsubscribe_url_for(
                channel=self.channel,
                optional=self.optional,
                person_id=self.person_id,
                type_code=self.type_code,
            ),
        )


_CLAIM_COLUMNS = (
    "pk",
    "idempotency_key",
    "channel",
    "subject",
    "body",
    "verification_code",
    "message_id",
    "attempts",
    "contact_point__value",
    "organisation__name",
    "message_type__optional",
    "person_id",
    "message_type__code",
    # for `notify.unclaimable_reason`:
    "status",
    "last_attempt_at",
    "not_before",
    "next_attempt_at",
)


@dataclass(frozen=True)
class _State:
    status: str
    last_attempt_at: dt.datetime | None
    not_before: dt.datetime | None
    next_attempt_at: dt.datetime | None


def _claim_many(ids: Sequence[str]) -> list[Claimed]:
    now = clock.now()
    with transaction.atomic():
        qs = Notification.objects.filter(pk__in=list(ids)).order_by()
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = []
        for v in qs.values(*_CLAIM_COLUMNS):
            state = _State(v["status"], v["last_attempt_at"], v["not_before"], v["next_attempt_at"])
            if notify.unclaimable_reason(state, now):
                continue
            rows.append(
                Claimed(
                    pk=v["pk"],
                    idempotency_key=v["idempotency_key"],
                    channel=v["channel"],
                    subject=v["subject"],
                    body=v["body"],
                    verification_code=v["verification_code"],
                    message_id=v["message_id"],
                    attempts=v["attempts"] + 1,
                    to=v["contact_point__value"] or "",
                    organisation_name=v["organisation__name"],
                    optional=v["message_type__optional"],
                    person_id=v["person_id"],
                    type_code=v["message_type__code"],
                )
            )
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
            status=Notification.Status.SENDING, attempts=F("attempts") + 1, last_attempt_at=now
        )
    return rows


def _send_all(rows: list[Claimed]) -> dict[object, Answer]:
    answers: dict[object, Answer] = {}
    by_channel: dict[str, list[Claimed]] = defaultdict(list)
    for n in rows:
        by_channel[n.channel].append(n)
    for channel_id, group in by_channel.items():
        plugin = channels.get(channel_id)()
        send_many = getattr(plugin, "send_many", None)
        if send_many is None:
            answers.update({n.pk: notify.send_outbound(channel_id, n.outbound()) for n in group})
            continue
        try:
            results = send_many([n.outbound() for n in group])
        except ChannelError as exc:
            results = [Answer(ok=False, detail=str(exc)[:500], retryable=True)] * len(group)
        answers.update(zip([n.pk for n in group], results, strict=True))
    return answers


def notifications_attempt_batch(*, notification_ids: Sequence[str]) -> dict[str, int]:
    """Claim, send and record many notifications; returns how many ended in each status."""
    rows = _claim_many(notification_ids)
    answers = _send_all(rows)
    if notify.AFTER_SEND_HOOK is not None:
        for n in rows:
            notify.AFTER_SEND_HOOK(n, answers[n.pk])
    now = clock.now()
    plain = [n for n in rows if n.message_id is None or n.channel == "portal"]
    counts: dict[str, int] = defaultdict(int)
    for n in plain:
        notify.apply_answer(n, answers[n.pk], now)
        counts[str(n.status)] += 1
    with transaction.atomic():
        answers_record(plain)
    for n in rows:
        if n.message_id is not None and n.channel != "portal":
            counts[notify.notification_record(notification_id=n.pk, answer=answers[n.pk])] += 1
    return dict(counts)
