from __future__ import annotations

import base64

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from govdoor.identity.testing import agency_access_token
from govdoor.messaging.models import Message, Notification
from govdoor.messaging.tests.factories import (
    ContactPointFactory,
    MessageTypeFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/messages/"


def agency(org=None, scope="messaging"):
    org = org or OrganisationFactory()
    token = agency_access_token(organisation=org, scope=scope)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    api.organisation = org
    return api


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


def payload(person, mt, **kw):
    body = {
        "person": str(person.pk),
        "message_type": mt.code,
        "personalisation": {"name": "Ada", "amount": "12"},
        "case_ref": "C-1",
    }
    body.update(kw)
    return body


def test_an_agency_sends_a_message_and_follows_its_status(django_capture_on_commit_callbacks):
    api, person, mt = agency(), PersonFactory(), MessageTypeFactory()
    ContactPointFactory(person=person, kind="sms", value="+32470000010")
    pdf = base64.b64encode(b"%PDF-1.7 decision").decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(
            URL,
            payload(
                person,
                mt,
                attachments=[
                    {"filename": "decision.pdf", "content_type": "application/pdf", "content": pdf}
                ],
            ),
            format="json",
        )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["notified"] == "pending"  # notifications go out after commit
    status = api.get(f"{URL}{body['id']}/").json()
    assert status["notified"] == "notified"
    assert [r["event"] for r in status["delivery_records"]] == [
        "sent",
        "made_available",
        "notified",
    ]
    assert {n["status"] for n in status["notifications"]} == {"sent"}
    assert Message.objects.get().attachments.get().content == b"%PDF-1.7 decision"


def test_an_unknown_template_is_refused_naming_it_and_nothing_is_queued():
    api, person = agency(), PersonFactory()
    answer = api.post(
        URL,
        {"person": str(person.pk), "message_type": "no-such-letter", "personalisation": {}},
        format="json",
    )
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "message_type"
    assert "no-such-letter" in answer.json()["detail"]
    assert not Message.objects.exists() and not Notification.objects.exists()


def test_missing_personalisation_is_refused_naming_the_placeholder():
    api, person, mt = agency(), PersonFactory(), MessageTypeFactory()
    ContactPointFactory(person=person)
    answer = api.post(URL, payload(person, mt, personalisation={"name": "Ada"}), format="json")
    assert answer.status_code == 400
    assert answer.json()["errors"] == [
        {"field": "personalisation.amount", "detail": "Personalisation is missing: amount"}
    ]
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"person": "not-a-uuid"},
        {"person": "0191e4b0-0000-7000-8000-000000000000"},
        {"attachments": [{"filename": "a.pdf", "content": "%%%"}]},
    ],
)
def test_bad_inputs_answer_400_naming_the_field(bad):
    api, person, mt = agency(), PersonFactory(), MessageTypeFactory()
    answer = api.post(URL, {**payload(person, mt), **bad}, format="json")
    assert answer.status_code == 400
    field = answer.json()["errors"][0]["field"]
    assert field.split(".")[0].split("[")[0] in bad


def test_a_person_without_channels_is_reported_not_notified_with_the_reason():
    api, person, mt = agency(), PersonFactory(), MessageTypeFactory()
    body = api.post(URL, payload(person, mt), format="json").json()
    assert body["notified"] == "not_notified"
    assert "no email address" in body["not_notified_reason"]


def test_another_organisations_message_answers_404():
    api, person, mt = agency(), PersonFactory(), MessageTypeFactory()
    message_id = api.post(URL, payload(person, mt), format="json").json()["id"]
    assert agency().get(f"{URL}{message_id}/").status_code == 404
    assert api.get(f"{URL}{message_id}/").status_code == 200


def test_without_the_messaging_scope_or_a_token_the_api_refuses():
    assert APIClient().get(URL).status_code in (401, 403)
    assert agency(scope="registers:read").get(URL).status_code == 403


def test_the_list_of_sent_messages_takes_a_bounded_number_of_queries(django_assert_max_num_queries):
    api, mt = agency(), MessageTypeFactory()
    for _ in range(3):
        api.post(URL, payload(PersonFactory(), mt), format="json")
    with django_assert_max_num_queries(10):
        first = api.get(URL)
    for _ in range(5):
        api.post(URL, payload(PersonFactory(), mt), format="json")
    with django_assert_max_num_queries(10):
        second = api.get(URL)
    assert first.json()["count"] == 3 and second.json()["count"] == 8


def test_the_api_is_rate_limited_per_organisation(settings):
    settings.GOVDOOR_MESSAGING_API_RATE = "3/min"
    org = OrganisationFactory()
    first, second = agency(org), agency(org)  # two systems of the same organisation
    codes = [
        first.get(URL).status_code,
        second.get(URL).status_code,
        first.get(URL).status_code,
        second.get(URL).status_code,
    ]
    assert codes == [200, 200, 200, 429]
    assert agency().get(URL).status_code == 200  # another organisation is not affected


def test_a_notification_without_a_message_is_sent_and_is_idempotent_by_reference():
    api, person, mt = agency(), PersonFactory(), MessageTypeFactory()
    ContactPointFactory(person=person)
    body = {
        "person": str(person.pk),
        "message_type": mt.code,
        "personalisation": {"name": "Ada", "amount": "5"},
        "reference": "batch-7",
    }
    first = api.post("/api/v1/notifications/", body, format="json")
    again = api.post("/api/v1/notifications/", body, format="json")
    assert first.status_code == again.status_code == 201
    assert first.json()["notified"] is True
    ids = {n["id"] for n in first.json()["notifications"]}
    assert ids == {n["id"] for n in again.json()["notifications"]}
    assert Notification.objects.count() == 2  # portal + email, once
    email = Notification.objects.get(channel="email")
    assert email.subject == "Your decision, Ada"
    detail = api.get(f"/api/v1/notifications/{email.pk}/")
    assert detail.status_code == 200 and detail.json()["channel"] == "email"
    assert agency().get(f"/api/v1/notifications/{email.pk}/").status_code == 404


def test_a_notification_for_an_unknown_template_is_refused():
    api, person = agency(), PersonFactory()
    answer = api.post(
        "/api/v1/notifications/", {"person": str(person.pk), "message_type": "nope"}, format="json"
    )
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "message_type"
