"""/api/v1/me/consents and /api/v1/me/objections: the signed-in person's own, over HTTP."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from govdoor.core import clock
from govdoor.exchange import services
from govdoor.exchange.models import Consent, Objection
from govdoor.exchange.tests.factories import PersonFactory, UserFactory, agency_token

pytestmark = pytest.mark.django_db

CONSENTS = "/api/v1/me/consents"
OBJECTIONS = "/api/v1/me/objections"
PROBLEM = "application/problem+json"


@pytest.fixture
def me(person):
    client = APIClient()
    client.force_login(UserFactory(person=person))
    client.person = person
    return client


@pytest.fixture
def consent_purpose(purpose):
    purpose.consent_required = True
    purpose.save()
    return purpose


def field_of(response) -> str:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    errors = response.json()["errors"]
    return str(errors[0]["field"].split(".")[0])


def test_a_person_gives_lists_and_revokes_a_consent(me, consent_purpose, tax):
    given = me.post(
        CONSENTS,
        {
            "purpose": consent_purpose.code,
            "organisation": "tax",
            "fields": ["population.street"],
        },
        format="json",
    )
    assert given.status_code == 201, given.content
    body = given.json()
    assert body["purpose"] == consent_purpose.code and body["organisation"] == "tax"
    assert body["fields"] == ["population.street"] and body["revoked_at"] is None
    listed = me.get(CONSENTS).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    assert me.delete(f"{CONSENTS}/{body['id']}").status_code == 204
    assert Consent.objects.get(pk=body["id"]).revoked_at is not None
    assert me.delete(f"{CONSENTS}/{body['id']}").status_code == 204  # idempotent


def test_a_consent_without_fields_covers_all_the_purpose_uses(me, consent_purpose, tax):
    given = me.post(
        CONSENTS, {"purpose": consent_purpose.code, "organisation": "tax"}, format="json"
    )
    assert given.status_code == 201
    assert given.json()["fields"] == sorted(consent_purpose.allowed_fields)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"organisation": "tax"}, "purpose"),
        ({"purpose": "no-such-purpose", "organisation": "tax"}, "purpose"),
        ({"purpose": "@", "organisation": "nobody"}, "purpose"),
        ({"organisation": "nobody"}, "purpose"),
        ({"purpose": "P", "organisation": "nobody"}, "organisation"),
        ({"purpose": "P", "organisation": "tax", "fields": ["vehicles.plate"]}, "fields"),
        ({"purpose": "P", "organisation": "tax", "expires_at": "2001-01-01T00:00Z"}, "expires_at"),
        ({"purpose": "P", "organisation": "tax", "expires_at": "soon"}, "expires_at"),
        ({"purpose": "P", "organisation": "civil-registry"}, "organisation"),
    ],
)
def test_bad_consent_input_answers_400_naming_the_field(me, consent_purpose, tax, body, field):
    if body.get("purpose") == "P":
        body = body | {"purpose": consent_purpose.code}
    assert field_of(me.post(CONSENTS, body, format="json")) == field
    assert not Consent.objects.exists()


def test_consent_to_a_purpose_that_does_not_ask_for_it_is_refused(me, purpose, tax):
    response = me.post(CONSENTS, {"purpose": purpose.code, "organisation": "tax"}, format="json")
    assert field_of(response) == "purpose"


def test_another_persons_consent_or_objection_answers_404(me, consent_purpose, tax):
    stranger = PersonFactory()
    theirs = services.consent_give(
        person=stranger, purpose=consent_purpose, organisation=tax, fields=["population.street"]
    )
    objection = services.objection_create(person=stranger, recipient=tax)
    assert me.delete(f"{CONSENTS}/{theirs.pk}").status_code == 404
    assert me.delete(f"{OBJECTIONS}/{objection.pk}").status_code == 404
    assert me.delete(f"{CONSENTS}/not-a-uuid").status_code == 404
    assert me.get(CONSENTS).json()["count"] == 0
    assert me.get(OBJECTIONS).json()["count"] == 0
    theirs.refresh_from_db()
    objection.refresh_from_db()
    assert theirs.revoked_at is None and objection.withdrawn_at is None


def test_a_person_objects_lists_and_withdraws(me, purpose, tax, population):
    made = me.post(
        OBJECTIONS,
        {"register": "population", "recipient": "tax", "purpose": purpose.code},
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["register"], body["recipient"], body["purpose"]) == (
        "population",
        "tax",
        purpose.code,
    )
    blanket = me.post(OBJECTIONS, {}, format="json").json()
    assert (blanket["register"], blanket["recipient"], blanket["purpose"]) == ("", None, None)
    assert me.get(OBJECTIONS).json()["count"] == 2
    assert me.delete(f"{OBJECTIONS}/{body['id']}").status_code == 204
    assert Objection.objects.get(pk=body["id"]).withdrawn_at is not None


def test_an_objection_to_a_legal_obligation_is_refused_with_the_reason(me, purpose, tax):
    purpose.mandatory = True
    purpose.save()
    response = me.post(OBJECTIONS, {"purpose": purpose.code}, format="json")
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM
    assert purpose.legal_basis in response.json()["detail"]
    assert not Objection.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"register": "no-such-register"}, "register"),
        ({"recipient": "nobody"}, "recipient"),
        ({"purpose": "no-such-purpose"}, "purpose"),
        ({"purpose": "not a slug"}, "purpose"),
    ],
)
def test_bad_objection_input_answers_400_naming_the_field(me, population, body, field):
    assert field_of(me.post(OBJECTIONS, body, format="json")) == field
    assert not Objection.objects.exists()


def test_writes_need_the_csrf_token_of_the_session(person, consent_purpose, tax):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(UserFactory(person=person))
    body = {"purpose": consent_purpose.code, "organisation": "tax"}
    assert client.post(CONSENTS, body, format="json").status_code == 403
    assert client.get(CONSENTS).status_code == 200  # reads need no token
    assert not Consent.objects.exists()


def test_agency_tokens_and_staff_without_a_person_cannot_use_them(tax, consent_purpose):
    agency = APIClient()
    agency.credentials(HTTP_AUTHORIZATION=f"Bearer {agency_token(tax, scope='exchange')}")
    assert agency.get(CONSENTS).status_code in (401, 403)
    staff = APIClient()
    staff.force_login(UserFactory())
    assert staff.get(OBJECTIONS).status_code == 403
    assert APIClient().get(CONSENTS).status_code in (401, 403)


def test_lists_paginate_in_a_bounded_number_of_queries(
    me, consent_purpose, tax, django_assert_max_num_queries
):
    for days in range(1, 8):
        services.consent_give(
            person=me.person,
            purpose=consent_purpose,
            organisation=tax,
            fields=["population.street"],
            expires_at=clock.now() + dt.timedelta(days=days),
        )
        services.objection_create(person=me.person, recipient=tax, purpose=consent_purpose)
    for url in (CONSENTS, OBJECTIONS):
        with django_assert_max_num_queries(6):
            body = me.get(url, {"page_size": 5}).json()
        assert body["count"] == 7 and len(body["results"]) == 5 and "page=2" in body["next"]
