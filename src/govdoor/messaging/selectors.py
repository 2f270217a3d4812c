"""Read side of messaging: mailboxes, the sender's view, dead letters, the code checker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from govdoor.core.errors import NotFound
from govdoor.core.ids import uuid_or_none
from govdoor.identity.models import Person
from govdoor.messaging.authenticity import code_normalise
from govdoor.messaging.models import (
    DeliveryRecord,
    Message,
    MessageRecipient,
    Notification,
    Obligation,
)
from govdoor.organisations.models import Organisation


def mailbox_for(person: Person) -> QuerySet[MessageRecipient]:
    """Everything `person` may read: as addressee or as a representative."""
    return (
        MessageRecipient.objects.filter(person=person)
        .select_related(
            "message__organisation", "message__message_type", "message__person", "message__business"
        )
        .order_by("-message__sent_at", "-message_id")
    )


def mailbox_entry(person: Person, message_id: object) -> MessageRecipient:
    """One entry of `person`'s mailbox; another person's message answers NotFound."""
    pk = uuid_or_none(message_id)
    entry = mailbox_for(person).filter(message_id=pk).first() if pk else None
    if entry is None:
        raise NotFound(_("No such message."))
    return entry


def thread_of(message: Message) -> QuerySet[Message]:
    root = message.in_reply_to or message
    return Message.objects.filter(pk=root.pk) | Message.objects.filter(in_reply_to=root)


@dataclass(frozen=True)
class MessagesSummary:
    unread: int
    latest: list[MessageRecipient]
    next_deadlines: list[Obligation]


def messages_summary_for(person: Person, *, latest: int = 3) -> MessagesSummary:
    """For the "My govdoor" page: unread count, the latest messages, the next deadlines."""
    box = mailbox_for(person)
    return MessagesSummary(
        unread=box.filter(opened_at__isnull=True).count(),
        latest=list(box[:latest]),
        next_deadlines=list(
            Obligation.objects.filter(person=person, status=Obligation.Status.OPEN)
            .select_related("organisation")
            .order_by("due_on", "id")[:latest]
        ),
    )


def messages_sent_by(organisation: Organisation) -> QuerySet[Message]:
    return (
        Message.objects.filter(organisation=organisation, direction=Message.Direction.OUTBOUND)
        .select_related("message_type", "organisation")
        .prefetch_related(
            Prefetch("delivery_records", queryset=DeliveryRecord.objects.order_by("at", "id")),
            Prefetch(
                "notifications",
                queryset=Notification.objects.select_related("message_type").order_by("created_at"),
            ),
        )
        .order_by("-sent_at", "-id")
    )


def message_of_sender(organisation: Organisation, message_id: object) -> Message:
    pk = uuid_or_none(message_id)
    message = messages_sent_by(organisation).filter(pk=pk).first() if pk else None
    if message is None:
        raise NotFound(_("No such message."))
    return message


def notification_of_sender(organisation: Organisation, notification_id: object) -> Notification:
    pk = uuid_or_none(notification_id)
    n = (
        Notification.objects.filter(organisation=organisation, pk=pk)
        .select_related("message_type")
        .first()
        if pk
        else None
    )
    if n is None:
        raise NotFound(_("No such notification."))
    return n


def dead_letters(organisation: Organisation | None = None) -> QuerySet[Notification]:
    qs = Notification.objects.filter(status=Notification.Status.DEAD).select_related(
        "organisation", "message_type"
    )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.order_by("-last_attempt_at", "-id")


@dataclass(frozen=True)
class CodeCheck:
    found: bool
    organisation_name: str = ""
    sent_on: Any = None


def code_check(text: str) -> CodeCheck:
    """Whether a verification code belongs to a real outbound message or notification.

    The same two indexed queries run whatever the input (hit, miss or malformed), so the
    answer's timing says nothing about how close a guess was.
    """
    code = code_normalise(text) or "----------"
    msg = (
        Message.objects.filter(verification_code=code, direction=Message.Direction.OUTBOUND)
        .select_related("organisation")
        .only("sent_at", "organisation__name")
        .first()
    )
    note = (
        Notification.objects.filter(verification_code=code)
        .select_related("organisation")
        .only("created_at", "organisation__name")
        .first()
    )
    if msg is not None:
        return CodeCheck(True, msg.organisation.name, msg.sent_at.date())
    if note is not None:
        return CodeCheck(True, note.organisation.name, note.created_at.date())
    return CodeCheck(False)
