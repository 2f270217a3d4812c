"""Tell us once: register change events delivered to subscribed agencies.

Why a delivery row per (subscription, event): the outbox hands each event to this consumer at
least once; the unique row makes the fan-out idempotent, and the row then carries its own
retries with backoff, dead-lettering and a back-office retry. Payloads carry ids and field
names only: an agency that needs the new values asks through a data request (ledgered).
The receiver gets the event id in a header and can drop a repeat (a crash between its 200
and our commit makes one possible; a correct receiver therefore never applies one twice).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import time
from typing import Any, Protocol

import requests
from django.db import connection, transaction
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.errors import Conflict, DomainError, NotFound, Refused
from govdoor.core.events import subscribe
from govdoor.core.models import OutboxEvent
from govdoor.core.registry import Registry
from govdoor.exchange import selectors
from govdoor.exchange.models import Delivery, DemoReceipt, Purpose, Subscription
from govdoor.organisations.models import Organisation
from govdoor.registries import selectors as registers

log = logging.getLogger(__name__)

# The register change topics agencies can subscribe to (see registries/README.md).
TOPICS = (
    "population.address_changed",
    "population.family_changed",
    "vehicles.owner_changed",
    "property.owner_changed",
)
MAX_ATTEMPTS = 6
MUNICIPALITY_FIELD = "municipality"
# A dispatched delivery not attempted by then is dispatched again (lost task, dead worker).
LEASE = dt.timedelta(seconds=60)
WEBHOOK_TIMEOUT = 5.0
SIGNATURE_HEADER = "X-Govdoor-Signature"
EVENT_ID_HEADER = "X-Govdoor-Event-Id"
TIMESTAMP_HEADER = "X-Govdoor-Timestamp"


class DeliveryError(Exception):
    """The receiver did not take the event; it will be retried."""


class Plugin(Protocol):
    def __call__(self, *, subscription: Subscription, delivery: Delivery) -> None: ...


plugins: Registry[Plugin] = Registry("tell-us-once delivery plugins")


def body_bytes(delivery: Delivery) -> bytes:
    return json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex, prefixed "sha256="."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


@plugins.register("webhook")
def webhook_send(*, subscription: Subscription, delivery: Delivery) -> None:
    body = body_bytes(delivery)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        EVENT_ID_HEADER: str(delivery.event_id),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(subscription.secret, timestamp, body),
    }
    try:
        response = requests.post(
            subscription.url, data=body, headers=headers, timeout=WEBHOOK_TIMEOUT
        )
    except requests.RequestException as exc:
        raise DeliveryError(type(exc).__name__) from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"HTTP {response.status_code}")


@plugins.register("demo")
def demo_record(*, subscription: Subscription, delivery: Delivery) -> None:
    """The demo subscriber agency: keeps what it receives, once per event."""
    DemoReceipt.objects.get_or_create(
        subscription=subscription,
        event_id=delivery.event_id,
        defaults={"payload": delivery.payload, "received_at": clock.now()},
    )


@transaction.atomic
def subscription_create(
    *,
    organisation: Organisation,
    purpose: Purpose,
    topic: str,
    plugin: str = "webhook",
    url: str = "",
    municipality: str = "",
) -> tuple[Subscription, str]:
    """Subscribe to a topic for a purpose the agency holds an approved policy for.

    Returns the subscription and its signing secret (shown once).
    """
    if topic not in TOPICS:
        raise DomainError(_("Unknown topic %(t)s.") % {"t": topic}, field="topic")
    if plugin not in plugins:
        raise DomainError(_("Unknown delivery plugin."), field="plugin")
    if plugin == "webhook" and not url.startswith(("https://", "http://")):
        raise DomainError(_("A webhook needs a URL."), field="url")
    register_code = topic.split(".", 1)[0]
    if (
        municipality
        and MUNICIPALITY_FIELD not in registers.register_get(code=register_code).field_names
    ):
        raise DomainError(_("This register does not name a municipality."), field="municipality")
    policies = selectors.policies_for(
        requester=organisation, purpose=purpose, register_code=register_code
    )
    if selectors.policy_in_force(policies, clock.today()) is None:
        raise Refused(_("Your organisation holds no policy in force for this register."))
    secret = secrets.token_urlsafe(32)
    subscription = Subscription.objects.create(
        organisation=organisation,
        purpose=purpose,
        topic=topic,
        plugin=plugin,
        url=url,
        secret=secret,
        municipality=municipality,
    )
    return subscription, secret


def _lives_in(register_code: str, subject_id: str | None, municipality: str) -> bool:
    """Does the subject's record now name this municipality? A search: no value leaves."""
    if not subject_id:
        return False
    register = registers.register_get(code=register_code)
    found = registers.records_search(
        register=register,
        exact={register.subject_field: subject_id, MUNICIPALITY_FIELD: municipality},
    )
    return found.exists()


def _allowed(subscription: Subscription, register_code: str, subject_id: str | None) -> bool:
    """Still a policy in force, and no objection of the person (unless mandatory)."""
    policies = selectors.policies_for(
        requester=subscription.organisation,
        purpose=subscription.purpose,
        register_code=register_code,
    )
    if selectors.policy_in_force(policies, clock.today()) is None:
        return False
    if subscription.purpose.mandatory or not subject_id:
        return True
    objection = selectors.objection_against(
        person_id=subject_id,
        register_code=register_code,
        recipient=subscription.organisation,
        purpose=subscription.purpose,
    )
    return objection is None


@subscribe(*TOPICS, consumer_id="exchange.tell-us-once")
def deliveries_fan_out(event: OutboxEvent) -> None:
    """One Delivery per active subscription of the topic (idempotent by event id)."""
    payload = event.payload
    register_code = event.topic.split(".", 1)[0]
    subject = payload.get("subject_id") or ""
    now = clock.now()
    created: list[Any] = []
    for subscription in selectors.subscriptions_for_topic(event.topic):
        if subscription.created_at > event.occurred_at:
            continue  # a subscription hears of changes from when it starts
        if subscription.municipality and not _lives_in(
            register_code, subject or None, subscription.municipality
        ):
            continue  # not this municipality's resident (any more)
        allowed = _allowed(subscription, register_code, subject or None)
        delivery, new = Delivery.objects.get_or_create(
            subscription=subscription,
            event_id=event.pk,
            defaults={
                "topic": event.topic,
                "subject_ref": str(subject),
                "payload": {
                    "event_id": str(event.pk),
                    "topic": event.topic,
                    "occurred_at": event.occurred_at.isoformat(),
                    "register": payload.get("register"),
                    "record_id": payload.get("record_id"),
                    "subject_id": subject or None,
                    "fields": payload.get("fields", []),
                    "purpose": subscription.purpose.code,
                },
                "status": Delivery.Status.PENDING if allowed else Delivery.Status.SKIPPED,
                "next_attempt_at": now,
                "created_at": now,
            },
        )
        if new and allowed:
            created.append(delivery.pk)
    if created:
        transaction.on_commit(lambda: _dispatch_all(created), robust=True)


def _dispatch_all(ids: list[Any]) -> None:
    from govdoor.exchange.tasks import exchange_deliver

    for pk in ids:
        try:
            exchange_deliver.delay(delivery_id=str(pk))
        except Exception:
            log.exception("exchange delivery dispatch failed", extra={"delivery_id": str(pk)})


def delivery_attempt(*, delivery_id: Any) -> str:
    """Send one pending delivery once; returns its status afterwards.

    The row is locked while sending, so two workers never send the same delivery at once.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("subscription")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "missing"
        if delivery.status != Delivery.Status.PENDING:
            return str(delivery.status)
        plugin = plugins.get(delivery.subscription.plugin)
        delivery.attempts += 1
        try:
            with transaction.atomic():
                plugin(subscription=delivery.subscription, delivery=delivery)
        except DeliveryError as exc:
            _failed(delivery, str(exc))
        else:
            delivery.status = Delivery.Status.DELIVERED
            delivery.delivered_at = clock.now()
            delivery.last_error = ""
        delivery.save(
            update_fields=["status", "attempts", "last_error", "next_attempt_at", "delivered_at"]
        )
        return str(delivery.status)


def _failed(delivery: Delivery, error: str) -> None:
    delivery.last_error = error[:500]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = Delivery.Status.DEAD
        log.warning("exchange delivery dead-lettered", extra={"delivery_id": str(delivery.pk)})
    else:
        delivery.next_attempt_at = clock.now() + dt.timedelta(seconds=2**delivery.attempts)


def deliveries_due(*, limit: int = 500) -> int:
    """Beat: dispatch pending deliveries whose next attempt is due, oldest first.

    Each is leased (its next attempt pushed by LEASE) in the same transaction, under SKIP
    LOCKED where the database has it, so overlapping beats do not send one twice early.
    """
    now = clock.now()
    with transaction.atomic():
        qs = Delivery.objects.filter(
            status=Delivery.Status.PENDING, next_attempt_at__lte=now
        ).order_by("next_attempt_at")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        ids = list(qs.values_list("pk", flat=True)[:limit])
        if ids:
            Delivery.objects.filter(pk__in=ids).update(next_attempt_at=now + LEASE)
            transaction.on_commit(lambda: _dispatch_all(ids), robust=True)
    return len(ids)


@transaction.atomic
def delivery_retry(*, delivery_id: Any) -> Delivery:
    """Back office: put a dead-lettered delivery back in the queue (never a delivered one)."""
    delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound(_("No such delivery."))
    if delivery.status != Delivery.Status.DEAD:
        raise Conflict(_("Only a failed delivery can be retried."), field="delivery")
    delivery.status = Delivery.Status.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = clock.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    transaction.on_commit(lambda: _dispatch_all([delivery.pk]), robust=True)
    return delivery
