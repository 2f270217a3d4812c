"""Mailbox services: send a message, open it, reply within a case, templates, retention.

Why delivery records and the ledger: a decision letter has legal effect from the moment it
is made available; the sent / made available / opened timestamps are the evidence, and each
disclosure of a message to a person (addressee or representative) is ledgered.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from govdoor.core import clock
from govdoor.core.errors import DomainError, NotFound
from govdoor.core.events import event_publish
from govdoor.identity.models import Business, Mandate, Person
from govdoor.identity.selectors import mandate_covers
from govdoor.messaging import authenticity, templating
from govdoor.messaging.models import (
    Attachment,
    DeliveryRecord,
    Message,
    MessageRecipient,
    MessageTemplate,
    MessageType,
)
from govdoor.messaging.notify import Dispatch, dispatch_on_commit, notifications_plan
from govdoor.organisations.models import Organisation

log = logging.getLogger(__name__)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
LEGAL_BASIS = "Administrative procedure: electronic service of documents"


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content_type: str
    content: bytes


def ledger(
    *,
    subject_id: object,
    organisation: Organisation,
    action: str,
    purpose: str,
    fields: Sequence[str],
) -> None:
    """Append to the data-use ledger in the caller's transaction (imported lazily)."""
    from govdoor.ledger.services import ledger_append

    ledger_append(
        subject_id=str(subject_id),
        actor_org=organisation.code,
        actor_user=None,
        action=action,
        purpose=purpose,
        legal_basis=LEGAL_BASIS,
        fields=list(fields),
    )


# --- Templates --------------------------------------------------------------------------


def message_type_get(code: str) -> MessageType:
    mt = MessageType.objects.filter(code=code).first()
    if mt is None:
        raise DomainError(
            _("Unknown message type: %(code)s") % {"code": code}, field="message_type"
        )
    return mt


@transaction.atomic
def message_type_save(
    *,
    code: str,
    name: str,
    placeholders: Sequence[str],
    topic: str = "general",
    retention_days: int = 3650,
    optional: bool = False,
) -> MessageType:
    bad = [p for p in placeholders if not templating.PLACEHOLDER.fullmatch(f"(({p}))")]
    if bad:
        raise DomainError(
            _("Invalid placeholder names: %(names)s") % {"names": ", ".join(bad)},
            field="placeholders",
        )
    mt, _created = MessageType.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "placeholders": sorted(set(placeholders)),
            "topic": topic,
            "retention_days": retention_days,
            "optional": optional,
        },
    )
    unused = [
        t
        for t in mt.templates.all()
        if templating.placeholders_in(t.subject, t.body, t.short_text) - set(placeholders)
    ]
    if unused:
        raise DomainError(
            _("Existing templates use placeholders no longer declared."), field="placeholders"
        )
    return mt


@transaction.atomic
def template_save(
    *, message_type: MessageType, language: str, subject: str, body: str, short_text: str
) -> MessageTemplate:
    """Save one language's wording; refuses undeclared placeholders and foreign links."""
    if language not in dict(settings.LANGUAGES):
        raise DomainError(
            _("Unsupported language: %(code)s") % {"code": language}, field="language"
        )
    templating.template_check(
        declared=message_type.placeholders, subject=subject, body=body, short_text=short_text
    )
    template, _created = MessageTemplate.objects.update_or_create(
        message_type=message_type,
        language=language,
        defaults={"subject": subject, "body": body, "short_text": short_text},
    )
    return template


def templates_missing_languages(message_type: MessageType) -> list[str]:
    have = set(message_type.templates.values_list("language", flat=True))
    return [code for code, _name in settings.LANGUAGES if code not in have]


def template_for(message_type: MessageType, language: str) -> MessageTemplate:
    templates = {t.language: t for t in message_type.templates.all()}
    template = templates.get(language) or templates.get(settings.LANGUAGE_CODE)
    if template is None:
        raise DomainError(
            _("Message type %(code)s has no template yet") % {"code": message_type.code},
            field="message_type",
        )
    return template


def required_personalisation(message_type: MessageType) -> set[str]:
    used: set[str] = set()
    for t in message_type.templates.all():
        used |= templating.placeholders_in(t.subject, t.body, t.short_text)
    return used


def rendered(template: MessageTemplate, personalisation: Mapping[str, Any]) -> tuple[str, str, str]:
    values = {k: str(v) for k, v in personalisation.items()}
    out = (
        templating.render(template.subject, values),
        templating.render(template.body, values),
        templating.render(template.short_text, values),
    )
    for text in out:
        templating.links_check(text)
    return out


# --- Sending ----------------------------------------------------------------------------


def representatives_of(
    *, person: Person | None, business: Business | None, topic: str
) -> list[Mandate]:
    """Mandates in force today whose scope covers `topic`, for a person or a business."""
    today = clock.today()
    qs = Mandate.objects.filter(
        Q(revoked_at__isnull=True),
        Q(valid_from__lte=today),
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
    ).select_related("representative")
    qs = (
        qs.filter(represented_person=person) if person else qs.filter(represented_business=business)
    )
    return [m for m in qs.order_by("valid_from", "id") if mandate_covers(m, topic)]


@transaction.atomic
def message_send(
    *,
    organisation: Organisation,
    message_type: MessageType,
    personalisation: Mapping[str, Any],
    person: Person | None = None,
    business: Business | None = None,
    case_ref: str = "",
    attachments: Sequence[NewAttachment] = (),
    dispatch: Dispatch | None = None,
) -> Message:
    """Put a message in the mailbox of a person (or a business's representatives), record
    its legal delivery, and plan its notifications, all in one transaction."""
    if (person is None) == (business is None):
        raise DomainError(
            _("Give exactly one recipient: a person or a business."), field="recipient"
        )
    templating.personalisation_check(
        required=required_personalisation(message_type), personalisation=personalisation
    )
    for a in attachments:
        if len(a.content) > MAX_ATTACHMENT_BYTES or not a.filename:
            raise DomainError(
                _("Attachments must have a name and be at most 10 MB."), field="attachments"
            )
    language = person.language if person else settings.LANGUAGE_CODE
    template = template_for(message_type, language)
    subject, body, _short = rendered(template, personalisation)
    now = clock.now()
    message = Message.objects.create(
        message_type=message_type,
        organisation=organisation,
        person=person,
        business=business,
        case_ref=case_ref,
        language=template.language,
        subject=subject,
        body=body,
        verification_code=authenticity.code_new(),
        sent_at=now,
        available_at=now,
        retain_until=now + dt.timedelta(days=message_type.retention_days),
    )
    stored = [
        Attachment.objects.create(
            message=message,
            filename=a.filename[:200],
            content_type=a.content_type[:100],
            content=a.content,
            sha256=authenticity.digest(a.content),
            size=len(a.content),
        )
        for a in attachments
    ]
    message.signing_key_id, message.signature = authenticity.sign(
        message_document(message, [a.sha256 for a in stored])
    )
    mandates = representatives_of(person=person, business=business, topic=message_type.topic)
    readers: list[tuple[Person, str, Mandate | None]] = (
        [(person, MessageRecipient.Role.ADDRESSEE, None)] if person else []
    )
    readers += [
        (m.representative, MessageRecipient.Role.REPRESENTATIVE, m)
        for m in mandates
        if m.representative_id != getattr(person, "pk", None)
    ]
    reasons: list[str] = []
    planned: list[object] = []
    notified_any = False
    for reader, role, mandate in readers:
        MessageRecipient.objects.get_or_create(
            message=message, person=reader, defaults={"role": role, "mandate": mandate}
        )
        for event in (DeliveryRecord.Event.SENT, DeliveryRecord.Event.MADE_AVAILABLE):
            DeliveryRecord.objects.create(
                message=message, event=event, person=reader, at=now, detail=role
            )
        ledger(
            subject_id=person.pk if person else business.pk,  # type: ignore[union-attr]
            organisation=organisation,
            action="disclose",
            purpose="legal delivery: message sent and made available",
            fields=["message"],
        )
        plan = _plan_for_reader(message, reader, organisation)
        planned += [n.pk for n in plan.notifications]
        notified_any = notified_any or not plan.reason
        if plan.reason:
            reasons.append(plan.reason)
    if not readers:
        reasons.append(_("nobody can receive messages for this recipient"))
    if not notified_any:
        message.notified = Message.Notified.NOT_NOTIFIED
        message.not_notified_reason = (reasons[0] if reasons else "")[:200]
        DeliveryRecord.objects.create(
            message=message,
            event=DeliveryRecord.Event.NOT_NOTIFIED,
            at=now,
            detail=message.not_notified_reason,
        )
    message.save(update_fields=["signing_key_id", "signature", "notified", "not_notified_reason"])
    event_publish(
        topic="messaging.message_sent",
        payload={
            "message_id": str(message.pk),
            "organisation_id": str(organisation.pk),
            "message_type": message_type.code,
        },
    )
    dispatch_on_commit(planned, dispatch)
    log.info("message sent", extra={"message_id": str(message.pk)})
    return message


def _plan_for_reader(message: Message, reader: Person, organisation: Organisation) -> Any:
    """Notify `reader` in their own language, without the message's content."""
    with translation.override(reader.language or settings.LANGUAGE_CODE):
        subject = _("You have a new message from %(org)s") % {"org": organisation.name}
        body = _("%(org)s has sent you a message. Read it in your govdoor mailbox: %(url)s") % {
            "org": organisation.name,
            "url": settings.GOVDOOR_BASE_URL.rstrip("/") + "/my/messages/",
        }
        short = _("New message from %(org)s in your govdoor mailbox.") % {"org": organisation.name}
    return notifications_plan(
        person=reader,
        organisation=organisation,
        message_type=message.message_type,
        subject=subject,
        body=body,
        short_text=short,
        key=f"msg:{message.pk}:{reader.pk}",
        message=message,
    )


def message_document(message: Message, attachment_digests: Sequence[str]) -> dict[str, Any]:
    """What a message's signature covers (content by digest only)."""
    return {
        "id": str(message.pk),
        "organisation": message.organisation.code,
        "sent_at": message.sent_at.isoformat(),
        "subject_sha256": authenticity.digest(message.subject),
        "body_sha256": authenticity.digest(message.body),
        "attachments_sha256": sorted(attachment_digests),
        "code": message.verification_code,
    }


@transaction.atomic
def message_open(*, message: Message, reader: Person) -> Message:
    """Record that `reader` opened the message (the first opening is the legal one)."""
    entry = (
        MessageRecipient.objects.select_for_update().filter(message=message, person=reader).first()
    )
    if entry is None:
        raise NotFound(_("No such message."))
    if entry.opened_at is None:
        now = clock.now()
        entry.opened_at = now
        entry.save(update_fields=["opened_at"])
        DeliveryRecord.objects.create(
            message=message,
            event=DeliveryRecord.Event.OPENED,
            person=reader,
            at=now,
            detail=entry.role,
        )
        ledger(
            subject_id=message.person_id or reader.pk,
            organisation=message.organisation,
            action="read",
            purpose="legal delivery: message opened",
            fields=["message"],
        )
        if message.opened_at is None:
            message.opened_at = now
            message.save(update_fields=["opened_at"])
    return message


@transaction.atomic
def message_reply(*, message: Message, reader: Person, body: str) -> Message:
    """A reply within the case of `message`, from someone who may read it."""
    if not MessageRecipient.objects.filter(message=message, person=reader).exists():
        raise NotFound(_("No such message."))
    if message.direction != Message.Direction.OUTBOUND or not message.case_ref:
        raise DomainError(_("This message cannot be replied to."), field="message")
    body = body.strip()
    if not body or len(body) > 10000:
        raise DomainError(_("Write a reply of at most 10,000 characters."), field="body")
    now = clock.now()
    reply = Message.objects.create(
        message_type=message.message_type,
        direction=Message.Direction.INBOUND,
        organisation=message.organisation,
        person=message.person,
        business=message.business,
        case_ref=message.case_ref,
        in_reply_to=message,
        language=message.language,
        subject=_("Re: %(subject)s") % {"subject": message.subject},
        body=body,
        verification_code=authenticity.code_new(),
        sent_at=now,
        available_at=now,
        retain_until=message.retain_until,
        notified=Message.Notified.NOTIFIED,
    )
    MessageRecipient.objects.create(
        message=reply, person=reader, role=MessageRecipient.Role.ADDRESSEE, opened_at=now
    )
    event_publish(
        topic="messaging.reply_received",
        payload={
            "message_id": str(reply.pk),
            "in_reply_to": str(message.pk),
            "organisation_id": str(message.organisation_id),
            "case_ref": message.case_ref,
        },
    )
    return reply


@transaction.atomic
def messages_purge(*, limit: int = 1000) -> int:
    """Delete messages past their retention (with their attachments and records)."""
    ids = list(
        Message.objects.filter(retain_until__lt=clock.now()).values_list("pk", flat=True)[:limit]
    )
    Message.objects.filter(in_reply_to__in=ids).update(in_reply_to=None)
    deleted = Message.objects.filter(pk__in=ids).delete()[1].get("messaging.Message", 0)
    return int(deleted)


@transaction.atomic
def notification_request(
    *,
    organisation: Organisation,
    message_type: MessageType,
    person: Person,
    personalisation: Mapping[str, Any],
    reference: str = "",
    dispatch: Dispatch | None = None,
) -> tuple[list[Any], str]:
    """A notification without a mailbox message (agency API); returns (notifications,
    reason none could reach the person). `reference` makes a repeated request idempotent."""
    from govdoor.core.ids import uuid7
    from govdoor.messaging.models import Notification

    templating.personalisation_check(
        required=required_personalisation(message_type), personalisation=personalisation
    )
    template = template_for(message_type, person.language)
    subject, body, short = rendered(template, personalisation)
    key = f"api:{organisation.pk}:{reference or uuid7()}"
    existing = list(Notification.objects.filter(idempotency_key__startswith=key + ":"))
    if existing:
        return existing, ""
    plan = notifications_plan(
        person=person,
        organisation=organisation,
        message_type=message_type,
        subject=subject,
        body=body,
        short_text=short,
        key=key,
    )
    dispatch_on_commit([n.pk for n in plan.notifications], dispatch)
    return plan.notifications, plan.reason
