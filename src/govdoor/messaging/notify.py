"""Notifications: planned with their cause (outbox), attempted once per task run, recorded.

Why claim / send / record in three steps: the send talks to the outside world and must not
run inside a database transaction. A worker killed after the send and before the record
leaves the row in `sending`; once its lease has passed the sweeper sends it again with the
same idempotency key, so a channel that accepts one delivers exactly once, and no
notification is ever lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
import zoneinfo
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.errors import Conflict, NotFound
from govdoor.identity.models import Person
from govdoor.messaging import authenticity
from govdoor.messaging.channels import Answer, ChannelError, Outbound, channels
from govdoor.messaging.models import (
    ContactPoint,
    DeliveryRecord,
    Message,
    MessageType,
    Notification,
    Preference,
)
from govdoor.organisations.models import Organisation

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)
BATCH = 500  # notifications per `notification_send_batch` task
EXTERNAL_KINDS = ("email", "sms", "push")
Dispatch = Callable[[Sequence[str]], None]

# Test seam for the crash test: called after a channel answered, before the answer is
# recorded. A hook that kills the process is a worker dying at the worst moment.
AFTER_SEND_HOOK: Callable[[Any, Answer], None] | None = None


def max_attempts() -> int:
    return int(settings.GOVDOOR_NOTIFICATION_MAX_ATTEMPTS)


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, … capped at one hour."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def channel_for_kind(kind: str) -> str:
    return settings.GOVDOOR_SMS_CHANNEL if kind == "sms" else kind


def preference_get(person: Person) -> Preference:
    import secrets

    pref, _created = Preference.objects.get_or_create(
        person=person, defaults={"calendar_token": secrets.token_urlsafe(24)}
    )
    return pref


def quiet_until(pref: Preference, moment: dt.datetime) -> dt.datetime | None:
    """The end of the person's quiet hours if `moment` falls inside them, else None."""
    return quiet_until_for(pref.quiet_start, pref.quiet_end, pref.timezone, moment)


def quiet_until_for(
    start: dt.time | None, end: dt.time | None, timezone: str, moment: dt.datetime
) -> dt.datetime | None:
    if start is None or end is None or start == end:
        return None
    try:
        zone = zoneinfo.ZoneInfo(timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    local = moment.astimezone(zone)
    t = local.time()
    inside = (start <= t < end) if start < end else (t >= start or t < end)
    if not inside:
        return None
    end_day = local.date() if t < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(end_day, end, tzinfo=zone).astimezone(dt.UTC)


@dataclass(frozen=True)
class Target:
    """One notification to create for a cause: the idempotency key's suffix, the channel."""

    suffix: str
    channel: str
    contact_id: object | None


def targets_for(
    channels_chosen: Sequence[str] | None,
    contacts: Sequence[tuple[object, str]],
    muted: Collection[str] = (),
) -> tuple[list[Target], str]:
    """Which notifications a person gets, from their chosen channels and their active contact
    points (id, kind) oldest first; and why no external channel reaches them ("" if one does).

    `muted` are the kinds the person unsubscribed from for this message type.
    Shared by the one-at-a-time plan and the bulk reminder generation, so both decide alike.
    """
    wanted = set(channels_chosen or ["portal", *EXTERNAL_KINDS]) - set(muted)
    targets = [Target("portal", "portal", None)] if "portal" in wanted else []
    reachable = [(pk, kind) for pk, kind in contacts if kind in wanted]
    targets += [Target(f"{kind}:{pk}", channel_for_kind(kind), pk) for pk, kind in reachable]
    reason = ""
    if not reachable:
        reason = (
            _("the person turned these notifications off")
            if contacts
            else _("the person has no email address, phone number or device on file")
        )
    return targets, reason


@dataclass(frozen=True)
class Plan:
    notifications: list[Notification]
    reason: str  # why no external channel was reachable ("" when one was)


def notifications_plan(
    *,
    person: Person,
    organisation: Organisation,
    message_type: MessageType,
    subject: str,
    body: str,
    short_text: str,
    key: str,
    message: Message | None = None,
    pref: Preference | None = None,
    active_contacts: Sequence[ContactPoint] | None = None,
    save: bool = True,
) -> Plan:
    """Create the person's notifications (in the caller's transaction); not yet dispatched.

    `key` identifies the cause (a message, a reminder, an API request) and makes the
    idempotency key of each channel's notification. Batch callers pass the person's
    preference and active contact points they loaded for many people at once, and
    `save=False` to bulk-create the rows themselves.
    """
    now = clock.now()
    pref = pref or preference_get(person)
    if active_contacts is None:
        active_contacts = list(
            ContactPoint.objects.filter(person=person, is_active=True).order_by("created_at")
        )
    by_id: dict[object, ContactPoint] = {c.pk: c for c in active_contacts}
    targets, reason = targets_for(
        pref.channels, [(c.pk, c.kind) for c in active_contacts], pref.muted_kinds(message_type)
    )
    quiet = quiet_until(pref, now)
    rows: list[Notification] = []
    for target in targets:
        row = _row(
            key=f"{key}:{target.suffix}",
            channel=target.channel,
            contact=by_id.get(target.contact_id),
            not_before=quiet if target.contact_id is not None else None,
        )
        row.organisation = organisation
        row.person = person
        row.message = message
        row.message_type = message_type
        row.subject = subject
        row.body = body if row.channel in ("email", "portal") else short_text
        row.created_at = now
        rows.append(row)
    if save:
        Notification.objects.bulk_create(rows)
    return Plan(notifications=rows, reason=reason)


def _row(
    *, key: str, channel: str, contact: ContactPoint | None, not_before: dt.datetime | None = None
) -> Notification:
    return Notification(
        idempotency_key=key[:120],
        channel=channel,
        contact_point=contact,
        verification_code=authenticity.code_new(),
        not_before=not_before,
    )


def dispatch_on_commit(ids: Iterable[object], dispatch: Dispatch | None = None) -> None:
    pending = [str(pk) for pk in ids]
    if pending:
        send = dispatch or _dispatch_tasks
        transaction.on_commit(lambda: send(pending))


def _dispatch_tasks(ids: Sequence[str]) -> None:
    notifications_dispatch(ids)


def notifications_dispatch(ids: Sequence[str], *, queue: str | None = None) -> None:
    """Publish the sending tasks: one task for one id, batch tasks of `BATCH` ids for more,
    all through one broker connection."""
    from govdoor.celery import app
    from govdoor.messaging.tasks import notification_send, notification_send_batch

    options = {"queue": queue} if queue else {}
    if len(ids) == 1:
        notification_send.apply_async(kwargs={"notification_id": ids[0]}, **options)
        return
    with app.producer_or_acquire() as producer:
        for start in range(0, len(ids), BATCH):
            notification_send_batch.apply_async(
                kwargs={"notification_ids": list(ids[start : start + BATCH])},
                producer=producer,
                **options,
            )


def _claim(notification_id: uuid.UUID | str) -> Notification | str:
    now = clock.now()
    with transaction.atomic():
        n = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("organisation", "contact_point", "message_type")
            .filter(pk=notification_id)
            .first()
        )
        if n is None:
            return "missing"
        reason = unclaimable_reason(n, now)
        if reason:
            return reason
        n.status = Notification.Status.SENDING
        n.attempts += 1
        n.last_attempt_at = now
        n.save(update_fields=["status", "attempts", "last_attempt_at"])
        return n


def unclaimable_reason(n: Any, now: dt.datetime) -> str:
    """Why this notification may not be attempted now ("" when it may)."""
    if n.status in (Notification.Status.SENT, Notification.Status.DEAD):
        return str(n.status)
    if (
        n.status == Notification.Status.SENDING
        and n.last_attempt_at
        and n.last_attempt_at > now - LEASE
    ):
        return "in-flight"
    due = max([t for t in (n.not_before, n.next_attempt_at) if t is not None], default=None)
    if due is not None and due > now:
        return "deferred"
    return ""


def send_one(n: Notification) -> Answer:
    """Send through the channel; every failure becomes an Answer (nothing is lost)."""
    return send_outbound(n.channel, outbound_for(n))


def send_outbound(channel: str, outbound: Outbound) -> Answer:
    try:
        return channels.get(channel)().send(outbound)
    except ChannelError as exc:
        return Answer(ok=False, detail=str(exc)[:500], retryable=True)
    except Exception as exc:  # a plugin bug must not lose the notification either
        log.exception("notification channel crashed", extra={"channel": channel})
        return Answer(ok=False, detail=f"{type(exc).__name__}", retryable=True)


def unsubscribe_url_for(*, channel: str, optional: bool, person_id: Any, type_code: str) -> str:
    """One-click unsubscribe only on emails of optional message types."""
    if channel != "email" or not optional:
        return ""
    from govdoor.messaging.unsubscribe import unsubscribe_url

    return unsubscribe_url(person_id=person_id, kind="email", type_code=type_code)


def outbound_for(n: Notification) -> Outbound:
    return Outbound(
        unsubscribe_url=unsubscribe_url_for(
            channel=n.channel,
            optional=n.message_type.optional,
            person_id=n.person_id,
            type_code=n.message_type.code,
        ),
        idempotency_key=n.idempotency_key,
        to=n.contact_point.value if n.contact_point else "",
        subject=n.subject,
        body=n.body,
        short_text=n.body if n.channel != "email" else n.subject,
        verification_code=n.verification_code,
        organisation_name=n.organisation.name,
        optional=n.message_type.optional,
    )


def notification_attempt(*, notification_id: uuid.UUID | str) -> str:
    """One attempt: claim, send through the channel, record the answer. Returns the status
    ("sent", "failed", "dead") or why nothing was sent ("deferred", "in-flight", ...)."""
    claimed = _claim(notification_id)
    if isinstance(claimed, str):
        return claimed
    n = claimed
    answer = send_one(n)
    if AFTER_SEND_HOOK is not None:
        AFTER_SEND_HOOK(n, answer)
    return notification_record(notification_id=n.pk, answer=answer)


@transaction.atomic
def notification_record(*, notification_id: uuid.UUID | str, answer: Answer) -> str:
    n = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("message")
        .get(pk=notification_id)
    )
    apply_answer(n, answer, clock.now())
    n.save(update_fields=ANSWER_FIELDS)
    if n.message is not None and n.channel != "portal":
        _message_notified_update(n, n.sent_at or clock.now())
    return str(n.status)


ANSWER_FIELDS = [
    "status",
    "sent_at",
    "provider_ref",
    "provider_answer",
    "last_error",
    "next_attempt_at",
]


def apply_answer(n: Any, answer: Answer, now: dt.datetime) -> None:
    """Set the outcome of an attempt on `n` (not saved): sent, failed with backoff, or dead."""
    n.provider_answer = answer.detail[:2000]
    if answer.ok:
        n.status, n.sent_at, n.provider_ref, n.last_error = (
            Notification.Status.SENT,
            now,
            answer.provider_ref[:200],
            "",
        )
    elif not answer.retryable or n.attempts >= max_attempts():
        n.status, n.last_error = Notification.Status.DEAD, answer.detail[:2000]
        log.warning(
            "notification dead-lettered", extra={"notification_id": str(n.pk), "channel": n.channel}
        )
    else:
        n.status, n.last_error = Notification.Status.FAILED, answer.detail[:2000]
        n.next_attempt_at = now + backoff(n.attempts)


def _message_notified_update(n: Notification, now: dt.datetime) -> None:
    message = Message.objects.select_for_update().get(pk=n.message.pk)  # type: ignore[union-attr]
    if n.status == Notification.Status.SENT:
        DeliveryRecord.objects.create(
            message=message,
            event=DeliveryRecord.Event.NOTIFIED,
            person=n.person,
            detail=n.channel,
            at=now,
        )
        if message.notified != Message.Notified.NOTIFIED:
            message.notified, message.not_notified_reason = Message.Notified.NOTIFIED, ""
            message.save(update_fields=["notified", "not_notified_reason"])
    elif n.status == Notification.Status.DEAD:
        others = message.notifications.exclude(channel="portal").exclude(
            status=Notification.Status.DEAD
        )
        if message.notified != Message.Notified.NOTIFIED and not others.exists():
            message.notified = Message.Notified.NOT_NOTIFIED
            message.not_notified_reason = _("delivery failed on every channel")[:200]
            message.save(update_fields=["notified", "not_notified_reason"])
            DeliveryRecord.objects.create(
                message=message,
                event=DeliveryRecord.Event.NOT_NOTIFIED,
                person=n.person,
                detail="delivery failed",
                at=now,
            )


@transaction.atomic
def notification_retry(
    *,
    notification_id: uuid.UUID | str,
    organisation: Organisation | None = None,
    dispatch: Dispatch | None = None,
) -> Notification:
    """Back office: put a dead-lettered (or failing) notification back in the queue."""
    qs = Notification.objects.select_for_update()
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    n = qs.filter(pk=notification_id).first()
    if n is None:
        raise NotFound(_("No such notification."))
    if n.status in (Notification.Status.SENT, Notification.Status.SENDING):
        raise Conflict(_("This notification is not waiting for a retry."), field="status")
    n.status, n.attempts, n.next_attempt_at = Notification.Status.PENDING, 0, None
    n.save(update_fields=["status", "attempts", "next_attempt_at"])
    dispatch_on_commit([n.pk], dispatch)
    return n


def notifications_sweep(*, limit: int = 5000, dispatch: Dispatch | None = None) -> int:
    """Re-dispatch what is due: failed past backoff, deferred past quiet hours, pending whose
    dispatch was lost, and `sending` rows whose worker died (lease passed)."""
    now = clock.now()
    due = (
        Q(status__in=[Notification.Status.PENDING, Notification.Status.FAILED])
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(not_before__isnull=True) | Q(not_before__lte=now))
        & Q(created_at__lte=now - dt.timedelta(seconds=10))
    ) | Q(status=Notification.Status.SENDING, last_attempt_at__lt=now - LEASE)
    ids = [
        str(pk)
        for pk in Notification.objects.filter(due)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    ]
    if ids:
        (dispatch or _dispatch_tasks)(ids)
    return len(ids)
