from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client

from govdoor.core import clock
from govdoor.identity.models import User
from govdoor.identity.testing import sign_in_staff
from govdoor.messaging.models import ContactPoint, Message, Notification, Preference
from govdoor.messaging.reminders import obligation_register
from govdoor.messaging.services import NewAttachment, message_send
from govdoor.messaging.tests.factories import (
    ContactPointFactory,
    MessageTypeFactory,
    OrganisationFactory,
    PersonFactory,
)
from govdoor.organisations.models import StaffRole

pytestmark = pytest.mark.django_db


def portal_client(person) -> Client:
    user = User.objects.create(username=f"p-{person.pk}", person=person)
    client = Client()
    client.force_login(user)
    session = client.session
    session["govdoor.loa"] = 2
    session.save()
    return client


def staff_client(org) -> Client:
    user = User.objects.create(username=f"staff-{org.code}-{uuid.uuid4().hex[:6]}")
    StaffRole.objects.create(user=user, organisation=org, role="case_worker")
    return sign_in_staff(Client(), user)


def send(person, **kw):
    return message_send(
        organisation=kw.pop("organisation", None) or OrganisationFactory(),
        message_type=MessageTypeFactory(),
        person=person,
        personalisation={"name": "Ada", "amount": "42"},
        dispatch=lambda ids: None,
        **kw,
    )


def test_the_mailbox_lists_messages_and_reading_one_records_the_opening():
    person = PersonFactory()
    message = send(
        person,
        case_ref="C-1",
        attachments=[NewAttachment("decision.pdf", "application/pdf", b"%PDF")],
    )
    client = portal_client(person)
    inbox = client.get("/my/messages/").content.decode()
    assert "Your decision, Ada" in inbox and "New" in inbox
    page = client.get(f"/my/messages/{message.pk}/")
    assert page.status_code == 200 and "you owe 42" in page.content.decode()
    message.refresh_from_db()
    assert message.opened_at is not None
    download = client.get(f"/my/messages/{message.pk}/attachments/{message.attachments.get().pk}/")
    assert download.content == b"%PDF"
    assert download["Content-Disposition"] == 'attachment; filename="decision.pdf"'


def test_another_persons_message_answers_404_and_is_not_opened():
    message = send(PersonFactory())
    client = portal_client(PersonFactory())
    assert client.get(f"/my/messages/{message.pk}/").status_code == 404
    assert client.post(f"/my/messages/{message.pk}/reply/", {"body": "x"}).status_code == 404
    message.refresh_from_db()
    assert message.opened_at is None


def test_the_mailbox_needs_a_signed_in_person():
    answer = Client().get("/my/messages/")
    assert answer.status_code == 302 and "next=" in answer["Location"]


def test_a_person_replies_from_the_message_page():
    person = PersonFactory()
    message = send(person, case_ref="C-7")
    client = portal_client(person)
    assert client.post(f"/my/messages/{message.pk}/reply/", {"body": ""}).status_code == 400
    answer = client.post(f"/my/messages/{message.pk}/reply/", {"body": "Attached."})
    assert answer.status_code == 302
    assert Message.objects.get(direction="inbound").body == "Attached."


def test_a_person_manages_contact_details_and_choices():
    person = PersonFactory()
    client = portal_client(person)
    assert (
        client.post(
            "/my/messages/settings/",
            {"action": "add", "contact-kind": "email", "contact-value": "not-an-email"},
        ).status_code
        == 400
    )
    client.post(
        "/my/messages/settings/",
        {"action": "add", "contact-kind": "sms", "contact-value": "+32 470 12 34 56"},
    )
    contact = ContactPoint.objects.get(person=person)
    assert contact.value == "+32470123456"
    answer = client.post(
        "/my/messages/settings/",
        {
            "action": "preferences",
            "pref-channels": ["sms"],
            "pref-quiet_start": "22:00",
            "pref-quiet_end": "07:00",
            "pref-timezone": "Europe/Brussels",
        },
    )
    assert answer.status_code == 302
    pref = Preference.objects.get(person=person)
    assert pref.channels == ["sms"] and pref.quiet_start == dt.time(22) and not pref.reminders
    other = ContactPointFactory()
    client.post("/my/messages/settings/", {"action": "remove", "contact_point": str(other.pk)})
    other.refresh_from_db()
    assert other.is_active  # someone else's contact detail is untouched
    client.post("/my/messages/settings/", {"action": "remove", "contact_point": str(contact.pk)})
    contact.refresh_from_db()
    assert not contact.is_active


def test_the_calendar_page_and_feed_show_deadlines_and_the_feed_needs_its_token():
    person = PersonFactory()
    with clock.frozen_at(dt.datetime(2026, 6, 1, tzinfo=dt.UTC)):
        obligation_register(
            person=person,
            source="tax",
            source_ref="return:2025",
            title="Tax return 2025",
            due_on=dt.date(2026, 6, 30),
            org=OrganisationFactory(),
        )
    client = portal_client(person)
    assert "Tax return 2025" in client.get("/my/messages/calendar/").content.decode()
    token = Preference.objects.get(person=person).calendar_token
    feed = Client().get(f"/my/messages/calendar/{token}.ics")
    assert feed["Content-Type"].startswith("text/calendar")
    assert "SUMMARY:Tax return 2025" in feed.content.decode()
    assert Client().get("/my/messages/calendar/wrong-token.ics").status_code == 404


def test_staff_see_their_dead_letters_and_retry_them_but_not_another_organisations():
    org, other = OrganisationFactory(), OrganisationFactory()
    person = PersonFactory()
    ContactPointFactory(person=person)
    message = send(person, organisation=org)
    n = message.notifications.get(channel="email")
    Notification.objects.filter(pk=n.pk).update(status="dead", last_error="SMTP: refused")
    client = staff_client(org)
    page = client.get("/backoffice/messages/dead-letters/").content.decode()
    assert str(n.pk) in page and "SMTP: refused" in page
    assert (
        str(n.pk)
        not in staff_client(other).get("/backoffice/messages/dead-letters/").content.decode()
    )
    assert (
        staff_client(other).post(f"/backoffice/messages/dead-letters/{n.pk}/retry/").status_code
        == 404
    )
    assert client.post(f"/backoffice/messages/dead-letters/{n.pk}/retry/").status_code == 302
    n.refresh_from_db()
    assert n.status in ("pending", "sent", "failed")


def test_staff_see_which_messages_were_not_notified_and_why():
    org = OrganisationFactory()
    send(PersonFactory(), organisation=org)
    page = staff_client(org).get("/backoffice/messages/sent/").content.decode()
    assert "Not notified" in page and "no email address" in page


def test_back_office_pages_need_staff():
    assert Client().get("/backoffice/messages/dead-letters/").status_code == 302
    client = portal_client(PersonFactory())
    assert client.get("/backoffice/messages/sent/").status_code == 302


def test_the_push_service_worker_is_served_at_the_root_so_it_controls_the_portal():
    answer = Client().get("/sw.js")
    assert answer.status_code == 200 and answer["Content-Type"] == "text/javascript"
    assert answer["Service-Worker-Allowed"] == "/" and answer["Cache-Control"] == "no-cache"
    assert b"showNotification" in answer.content and b"notificationclick" in answer.content


def test_choosing_no_channel_at_all_means_only_the_mailbox_with_the_reason_shown():
    person = PersonFactory()
    ContactPointFactory(person=person)
    client = portal_client(person)
    client.post("/my/messages/settings/", {"action": "preferences", "pref-timezone": "UTC"})
    assert Preference.objects.get(person=person).channels == ["none"]
    message = send(person)
    assert list(message.notifications.all()) == []
    assert message.not_notified_reason == "the person turned these notifications off"
