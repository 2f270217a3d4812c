from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govdoor.core import clock
from govdoor.identity.models import LevelOfAssurance, Mandate
from govdoor.identity.tests.factories import MandateFactory, PersonFactory

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def test_me_needs_a_signed_in_person(client) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == PROBLEM


def test_me_says_who_i_am_whom_i_act_for_and_my_level(client, sign_in) -> None:
    mandate = MandateFactory()
    sign_in(client, mandate.representative, loa=LevelOfAssurance.HIGH)
    client.post("/acting-for/", {"acting_for": str(mandate.pk)})
    body = client.get("/api/v1/me").json()
    assert body["person_id"] == str(mandate.representative.pk)
    assert body["level_of_assurance"] == 3 and body["identity_provider"] == "demo"
    assert body["acting_for"] == {
        "kind": "person",
        "id": str(mandate.represented_person.pk),
        "display_name": mandate.represented_person.full_name,
        "mandate_id": str(mandate.pk),
    }
    assert "national_id" not in str(body)


def test_my_mandates_are_listed_paginated_with_a_bounded_number_of_queries(
    client, person, sign_in
) -> None:
    for _ in range(3):
        MandateFactory(representative=person)
    MandateFactory(represented_person=person)
    MandateFactory()  # someone else's
    sign_in(client, person)
    client.get("/api/v1/me/mandates")  # warm up session and content types
    with CaptureQueriesContext(connection) as few:
        body = client.get("/api/v1/me/mandates?page_size=2").json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]
    for _ in range(5):
        MandateFactory(representative=person)
    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/v1/me/mandates?page_size=50").json()
    assert body["count"] == 9
    assert len(many) == len(few) <= 6
    roles = {m["role"] for m in body["results"]}
    assert roles == {"held", "given"}
    assert body["results"][0]["state"] == "active"


def _grant(client, **changes):
    rep = changes.pop("rep", None) or PersonFactory()
    data = {
        "representative_national_id": rep.national_id,
        "kind": "representative",
        "scope": ["tax"],
        "valid_from": clock.today().isoformat(),
        **changes,
    }
    return client.post("/api/v1/me/mandates", data, content_type="application/json")


def test_granting_a_mandate_through_the_api(client, person, sign_in) -> None:
    sign_in(client, person)
    response = _grant(client)
    assert response.status_code == 201
    body = response.json()
    assert body["role"] == "given" and body["scope"] == ["tax"]
    assert Mandate.objects.get(pk=body["id"]).represented_person == person


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"representative_national_id": "12"}, "representative_national_id"),
        ({"representative_national_id": "100000009"}, "representative_national_id"),
        ({"kind": "emperor"}, "kind"),
        ({"kind": "parent"}, "kind"),
        ({"scope": []}, "scope"),
        ({"scope": "tax"}, "scope"),
        ({"valid_from": "yesterday"}, "valid_from"),
        ({"valid_from": "2001-01-01"}, "valid_from"),
        ({"valid_until": "2001-01-01"}, "valid_until"),
    ],
)
def test_a_malformed_grant_answers_400_problem_json_naming_the_field(
    client, person, sign_in, changes: dict, field: str
) -> None:
    sign_in(client, person)
    response = _grant(client, **changes)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Mandate.objects.exists()


def test_granting_needs_a_substantial_sign_in(client, person, sign_in) -> None:
    sign_in(client, person, loa=LevelOfAssurance.LOW)
    response = _grant(client)
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM
    assert not Mandate.objects.exists()


def test_revoking_through_the_api(client, person, sign_in) -> None:
    mandate = MandateFactory(represented_person=person)
    sign_in(client, person)
    url = f"/api/v1/me/mandates/{mandate.pk}/revoke"
    response = client.post(url, {"reason": "done"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "revoked"
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 409 and again["Content-Type"] == PROBLEM


@pytest.mark.parametrize("which", ["other", "unknown", "malformed"])
def test_revoking_another_persons_or_an_unknown_mandate_answers_404(
    client, person, sign_in, which: str
) -> None:
    mandate = MandateFactory()
    mandate_id = {"other": mandate.pk, "unknown": uuid.uuid4(), "malformed": "x"}[which]
    sign_in(client, person)
    response = client.post(
        f"/api/v1/me/mandates/{mandate_id}/revoke", {}, content_type="application/json"
    )
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM
    mandate.refresh_from_db()
    assert mandate.revoked_at is None


def test_a_register_mandate_cannot_be_revoked_through_the_api(client, person, sign_in) -> None:
    mandate = MandateFactory(representative=person, source="register", kind="parent")
    sign_in(client, person)
    response = client.post(
        f"/api/v1/me/mandates/{mandate.pk}/revoke", {}, content_type="application/json"
    )
    assert response.status_code == 403
