"""RFC 8058 one-click unsubscribe: headers on optional emails only, POST unsubscribes, GET
never does, tokens cannot be forged, and the settings page turns it back on."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from govdoor.core import clock
from govdoor.messaging.models import Notification, Preference
from govdoor.messaging.notify import notification_attempt
from govdoor.messaging.reminders import obligation_register, reminders_due
from govdoor.messaging.services import message_send
from govdoor.messaging.tests.factories import (
    ContactPointFactory,
    MessageTypeFactory,
    OrganisationFactory,
    PersonFactory,
)
from govdoor.messaging.tests.test_pages import portal_client
from govdoor.messaging.unsubscribe import unsubscribe_token

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)
MORNING = dt.datetime.combine(DAY, dt.time(8), tzinfo=dt.UTC)


def reminder_email(person, smtp, *, ref: str = "r1"):
    """Register an obligation due tomorrow, generate its reminder and send the email."""
    with clock.frozen_at(MORNING):
        obligation_register(
            person=person,
            source="vehicles",
            source_ref=ref,
            title="Vehicle inspection",
            due_on=DAY + dt.timedelta(days=1),
            org=OrganisationFactory(),
            offsets=(1,),
        )
        reminders_due(dispatch=lambda ids: None)
        for n in Notification.objects.filter(channel="email", status="pending"):
            assert notification_attempt(notification_id=n.pk) == "sent"
    return smtp.messages[-1]


def one_click_path(email) -> str:
    [url] = re.findall(r"<([^>]+)>", email["List-Unsubscribe"])
    return urlsplit(url).path


def test_a_reminder_email_carries_one_click_list_unsubscribe_headers(smtp):
    person = PersonFactory()
    ContactPointFactory(person=person, value="ada@example.org")
    email = reminder_email(person, smtp)
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<https?://[^>]+/unsubscribe/[^/>]+/>", email["List-Unsubscribe"])
    assert str(person.pk) not in email["List-Unsubscribe"]  # the token reveals nothing
    assert "unsubscribe" not in email.get_content()  # the link is in the header only


def test_an_email_about_a_legal_notice_has_no_unsubscribe_headers(
    smtp, django_capture_on_commit_callbacks
):
    person = PersonFactory()
    ContactPointFactory(person=person, value="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(
            organisation=OrganisationFactory(),
            message_type=MessageTypeFactory(optional=False),
            person=person,
            personalisation={"name": "Ada", "amount": "3"},
        )
    [email] = smtp.messages
    assert email["List-Unsubscribe"] is None and email["List-Unsubscribe-Post"] is None


def test_the_one_click_post_unsubscribes_without_sign_in_or_csrf_and_is_idempotent(smtp):
    person = PersonFactory()
    ContactPointFactory(person=person, value="ada@example.org")
    path = one_click_path(reminder_email(person, smtp))
    client = Client(enforce_csrf_checks=True)
    for _ in range(2):
        response = client.post(path, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert b"You have unsubscribed" in response.content
    assert Preference.objects.get(person=person).muted == ["email:deadline-reminder"]
    before = len(smtp.messages)
    reminder_email(person, smtp, ref="r2")  # the next reminder: in the portal, no email
    assert len(smtp.messages) == before
    channels = Notification.objects.values_list("channel", flat=True)
    assert sorted(channels) == ["email", "portal", "portal"]


def test_opening_the_link_shows_a_button_and_changes_nothing(smtp):
    person = PersonFactory()
    ContactPointFactory(person=person, value="ada@example.org")
    path = one_click_path(reminder_email(person, smtp))
    response = Client().get(path)
    assert response.status_code == 200
    assert b'method="post"' in response.content and b"Deadline reminder" in response.content
    assert response["X-Robots-Tag"] == "noindex"
    assert not Preference.objects.filter(person=person).exclude(muted=[]).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_altered_token_answers_404(method):
    person = PersonFactory()
    good = unsubscribe_token(person_id=person.pk, kind="email", type_code="deadline-reminder")
    altered = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    for token in (altered, "g1.nope.abc", "x"):
        response = getattr(Client(), method)(f"/unsubscribe/{token}/")
        assert response.status_code == 404
    assert not Preference.objects.exclude(muted=[]).exists()


def test_a_token_for_a_legal_notice_type_cannot_unsubscribe():
    person = PersonFactory()
    legal = MessageTypeFactory(optional=False)
    token = unsubscribe_token(person_id=person.pk, kind="email", type_code=legal.code)
    assert Client().post(f"/unsubscribe/{token}/").status_code == 404
    assert not Preference.objects.filter(person=person).exclude(muted=[]).exists()


def test_the_settings_page_lists_the_unsubscription_and_turns_it_back_on():
    person = PersonFactory()
    token = unsubscribe_token(person_id=person.pk, kind="email", type_code="deadline-reminder")
    assert Client().post(f"/unsubscribe/{token}/").status_code == 200
    client = portal_client(person)
    page = client.get("/my/messages/settings/")
    assert b"Notifications you unsubscribed from" in page.content
    other = portal_client(PersonFactory())
    assert (
        other.post(
            "/my/messages/settings/", {"action": "unmute", "entry": "email:deadline-reminder"}
        ).status_code
        == 404
    )
    response = client.post(
        "/my/messages/settings/", {"action": "unmute", "entry": "email:deadline-reminder"}
    )
    assert response.status_code == 302
    assert Preference.objects.get(person=person).muted == []
