from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from govdoor.core import clock
from govdoor.core.errors import DomainError, NotFound
from govdoor.core.models import OutboxEvent
from govdoor.messaging import authenticity
from govdoor.messaging.models import (
    DeliveryRecord,
    Message,
    MessageRecipient,
    Notification,
)
from govdoor.messaging.selectors import mailbox_for, messages_summary_for
from govdoor.messaging.services import (
    NewAttachment,
    message_document,
    message_open,
    message_reply,
    message_send,
    messages_purge,
)
from govdoor.messaging.tests.factories import (
    BusinessFactory,
    ContactPointFactory,
    MandateFactory,
    MessageTypeFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
VALUES = {"name": "Ada", "amount": "€ 12.00"}


def send(**kw):
    kw.setdefault("organisation", OrganisationFactory())
    kw.setdefault("message_type", MessageTypeFactory())
    kw.setdefault("personalisation", VALUES)
    kw.setdefault("dispatch", lambda ids: None)
    return message_send(**kw)


def test_a_message_lands_in_the_mailbox_with_sent_and_made_available_records(ledger_calls):
    person = PersonFactory()
    ContactPointFactory(person=person)
    message = send(person=person, case_ref="CASE-1")
    entry = mailbox_for(person).get()
    assert entry.message == message and entry.role == "addressee"
    assert message.subject == "Your decision, Ada"
    events = list(message.delivery_records.values_list("event", flat=True))
    assert events == ["sent", "made_available"]
    assert ledger_calls[0]["action"] == "disclose"
    assert ledger_calls[0]["purpose"] == "legal delivery: message sent and made available"
    assert ledger_calls[0]["subject_id"] == str(person.pk)
    assert OutboxEvent.objects.filter(topic="messaging.message_sent").count() == 1
    assert set(message.notifications.values_list("channel", flat=True)) == {"portal", "email"}


def test_the_message_is_worded_in_the_persons_language():
    person = PersonFactory(language="fr")
    assert send(person=person).subject == "Votre décision, Ada"


def test_the_message_body_is_encrypted_at_rest():
    from django.db import connection

    message = send(person=PersonFactory())
    with connection.cursor() as cursor:
        cursor.execute(
            "select body from messaging_message where id = %s",
            [message.pk.hex if connection.vendor == "sqlite" else message.pk],
        )
        raw = cursor.fetchone()[0]
    assert "Ada" not in raw and raw.startswith("g1.")


def test_the_signature_verifies_against_the_published_key_and_breaks_on_tampering():
    message = send(
        person=PersonFactory(),
        attachments=[NewAttachment("letter.pdf", "application/pdf", b"%PDF-1.7 x")],
    )
    jwk = authenticity.published_keys()["keys"][0]
    public = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(jwk["x"] + "=="))
    digests = [a.sha256 for a in message.attachments.all()]
    assert jwk["kid"] == message.signing_key_id
    assert authenticity.verify(message_document(message, digests), message.signature, public)
    message.body = "You owe nothing."
    assert not authenticity.verify(message_document(message, digests), message.signature, public)


def test_a_representative_under_a_mandate_in_scope_gets_a_copy_but_not_outside_scope():
    person = PersonFactory()
    in_scope = MandateFactory(represented_person=person, scope=["tax"])
    MandateFactory(represented_person=person, scope=["benefits"])
    MandateFactory(
        represented_person=person, scope=["*"], revoked_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    )
    message = send(person=person)
    readers = dict(message.recipients.values_list("person_id", "role"))
    assert readers == {person.pk: "addressee", in_scope.representative_id: "representative"}
    assert mailbox_for(in_scope.representative).get().mandate == in_scope


def test_a_message_to_a_business_reaches_its_representatives(ledger_calls):
    business = BusinessFactory()
    rep = PersonFactory()
    ContactPointFactory(person=rep)
    MandateFactory(
        representative=rep, represented_person=None, represented_business=business, kind="business"
    )
    message = send(business=business)
    assert list(message.recipients.values_list("person_id", flat=True)) == [rep.pk]
    assert [c["subject_id"] for c in ledger_calls] == [str(business.pk)]
    assert message.notified == Message.Notified.PENDING


def test_a_person_with_no_reachable_channel_is_not_notified_with_the_reason():
    message = send(person=PersonFactory())
    assert message.notified == Message.Notified.NOT_NOTIFIED
    assert "no email address" in message.not_notified_reason
    assert message.delivery_records.filter(event=DeliveryRecord.Event.NOT_NOTIFIED).exists()
    assert message.recipients.count() == 1  # it is still in the mailbox


def test_missing_personalisation_refuses_and_nothing_is_queued():
    person = PersonFactory()
    ContactPointFactory(person=person)
    with pytest.raises(DomainError) as err:
        send(person=person, personalisation={"name": "Ada"})
    assert err.value.field == "personalisation.amount"
    assert not Message.objects.exists() and not Notification.objects.exists()


def test_opening_records_the_first_opening_once_and_ledgers_it(ledger_calls):
    person = PersonFactory()
    message = send(person=person)
    with clock.frozen_at(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)):
        message_open(message=message, reader=person)
    with clock.frozen_at(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)):
        message_open(message=message, reader=person)
    message.refresh_from_db()
    assert message.opened_at == dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    assert message.delivery_records.filter(event="opened").count() == 1
    assert [c["purpose"] for c in ledger_calls].count("legal delivery: message opened") == 1


def test_someone_else_cannot_open_or_reply_to_a_message():
    message = send(person=PersonFactory(), case_ref="C-9")
    stranger = PersonFactory()
    with pytest.raises(NotFound):
        message_open(message=message, reader=stranger)
    with pytest.raises(NotFound):
        message_reply(message=message, reader=stranger, body="hi")


def test_a_person_can_reply_within_the_case_and_the_agency_hears_of_it():
    person = PersonFactory()
    message = send(person=person, case_ref="C-42")
    reply = message_reply(message=message, reader=person, body="Here is the document.")
    assert reply.direction == "inbound" and reply.case_ref == "C-42"
    assert reply.in_reply_to == message
    event = OutboxEvent.objects.get(topic="messaging.reply_received")
    assert event.payload["in_reply_to"] == str(message.pk)


def test_a_message_without_a_case_cannot_be_replied_to():
    person = PersonFactory()
    with pytest.raises(DomainError):
        message_reply(message=send(person=person), reader=person, body="hi")


def test_messages_past_their_retention_are_purged():
    person = PersonFactory()
    keep = send(person=person, message_type=MessageTypeFactory(retention_days=30))
    with clock.frozen_at(clock.now() - dt.timedelta(days=40)):
        old = send(person=person, message_type=MessageTypeFactory(retention_days=30))
    assert messages_purge() == 1
    assert list(Message.objects.values_list("pk", flat=True)) == [keep.pk]
    assert not MessageRecipient.objects.filter(message_id=old.pk).exists()


def test_the_summary_counts_unread_messages_and_lists_deadlines():
    person = PersonFactory()
    first = send(person=person)
    send(person=person)
    message_open(message=first, reader=person)
    summary = messages_summary_for(person)
    assert summary.unread == 1 and len(summary.latest) == 2
