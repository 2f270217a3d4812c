"""Attempting many notifications at once: three commits per batch instead of three each.

Why: deadline reminders come in tens of thousands on the same morning. The guarantees are
the ones of `notify.notification_attempt`: the claim (status `sending`, attempts + 1)
commits before anything is sent, so a worker that dies mid-batch leaves its rows for the
sweeper once the lease has passed, and the resend carries the same idempotency keys.
Channels that can take a list (`send_many`) get one call per batch. Notifications tied to
a mailbox message are recorded one by one, since each also updates its message's status.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import F

from govdoor.core import clock
from govdoor.messaging import notify
from govdoor.messaging.channels import Answer, ChannelError, channels
from govdoor.messaging.models import Notification


def _claim_many(ids: Sequence[str]) -> list[Notification]:
    now = clock.now()
    with transaction.atomic():
        qs = Notification.objects.select_related("organisation", "contact_point", "message_type")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = [n for n in qs.filter(pk__in=list(ids)) if not notify.unclaimable_reason(n, now)]
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
            status=Notification.Status.SENDING, attempts=F("attempts") + 1, last_attempt_at=now
        )
    for n in rows:
        n.status, n.attempts, n.last_attempt_at = Notification.Status.SENDING, n.attempts + 1, now
    return rows


def _send_all(rows: list[Notification]) -> dict[object, Answer]:
    answers: dict[object, Answer] = {}
    by_channel: dict[str, list[Notification]] = defaultdict(list)
    for n in rows:
        by_channel[n.channel].append(n)
    for channel_id, group in by_channel.items():
        plugin = channels.get(channel_id)()
        send_many = getattr(plugin, "send_many", None)
        if send_many is None:
            answers.update({n.pk: notify.send_one(n) for n in group})
            continue
        try:
            results = send_many([notify.outbound_for(n) for n in group])
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
    groups: dict[tuple[object, ...], list[Notification]] = defaultdict(list)
    for n in plain:
        notify.apply_answer(n, answers[n.pk], now)
        counts[str(n.status)] += 1
        shared = (n.status, n.sent_at, n.provider_answer, n.last_error, n.next_attempt_at)
        groups[shared].append(n)
    with transaction.atomic():
        # Most of a batch shares its outcome: one UPDATE per outcome, then the provider
        # references (which differ per row) in one more statement.
        for (status, sent_at, answer, error, next_at), group in groups.items():
            Notification.objects.filter(pk__in=[n.pk for n in group]).update(
                status=status,
                sent_at=sent_at,
                provider_answer=answer,
                last_error=error,
                next_attempt_at=next_at,
            )
        Notification.objects.bulk_update(plain, ["provider_ref"], batch_size=500)
    for n in rows:
        if n.message_id is not None and n.channel != "portal":
            counts[notify.notification_record(notification_id=n.pk, answer=answers[n.pk])] += 1
    return dict(counts)
