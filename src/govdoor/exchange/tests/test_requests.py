"""Data requests over HTTP: minimisation, derived answers, every refusal, bad input, faults."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import OperationalError, connection
from rest_framework.test import APIClient

from govdoor.exchange.models import Consent, DataRequest, Objection
from govdoor.exchange.tests.factories import (
    PersonFactory,
    PolicyFactory,
    agency_token,
    keeper_caller,
    resident,
    vehicle,
    vehicles_register,
)
from govdoor.ledger.models import Entry, Record
from govdoor.registries.services import record_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/exchange/requests"
PROBLEM = "application/problem+json"


def ask(api, person, fields, purpose="housing-benefit", **extra):
    body = {"subject": str(person.pk), "purpose": purpose, "fields": fields, **extra}
    return api.post(URL, body, format="json")


def refused_with(response, words):
    assert response.status_code == 403, response.content
    assert response["Content-Type"] == PROBLEM
    assert words in response.json()["detail"]
    assert Entry.objects.count() == 0  # a refusal is not a disclosure
    request = DataRequest.objects.get()
    assert request.status == DataRequest.Status.REFUSED and words in request.reason
    return request


def test_an_allowed_request_answers_exactly_the_fields_asked_and_ledgers_one_disclosure(
    tax_api, person, policy
):
    response = ask(tax_api, person, ["population.street"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["data"] == {"population": [{"street": "High Street 1"}]}
    assert body["request"]["status"] == "answered" and body["request"]["subject"] == str(person.pk)
    record = Record.objects.get()
    assert record.subject_ref == str(person.pk)
    assert '"action":"disclose"' in record.body and '"purpose":"housing-benefit"' in record.body
    assert '"fields":["street"]' in record.body


def test_a_qualifying_question_answers_yes_or_no_without_the_birth_date(tax_api, person, policy):
    response = ask(tax_api, person, ["population.age_over_18"])
    assert response.status_code == 200
    assert response.json()["data"] == {"population": [{"age_over_18": True}]}
    assert "1980" not in response.content.decode()


def test_a_minor_does_not_qualify(tax_api, population, policy):
    child = PersonFactory()
    resident(population, child, birth_date=str(dt.date.today().replace(year=2020)))
    response = ask(tax_api, child, ["population.age_over_18"])
    assert response.json()["data"] == {"population": [{"age_over_18": False}]}


def test_a_national_number_names_the_subject_and_is_never_echoed(tax_api, person, policy):
    body = {
        "national_id": person.national_id,
        "purpose": "housing-benefit",
        "fields": ["population.street"],
    }
    response = tax_api.post(URL, body, format="json")
    assert response.status_code == 200
    assert person.national_id not in response.content.decode()
    assert DataRequest.objects.get().subject_ref == str(person.pk)


def test_a_request_without_an_approved_policy_is_refused_and_recorded(tax_api, person, policy):
    policy.status = "proposed"
    policy.save()
    refused_with(ask(tax_api, person, ["population.street"]), "No approved policy")


def test_a_request_outside_the_policy_dates_is_refused(tax_api, person, policy):
    policy.valid_to = dt.date(2021, 1, 1)
    policy.save()
    refused_with(ask(tax_api, person, ["population.street"]), "not valid today")


def test_a_field_the_policy_does_not_allow_is_refused_and_nothing_else_is_sent(
    tax_api, person, policy
):
    response = ask(tax_api, person, ["population.street", "population.given_name"])
    refused_with(response, "population.given_name")
    assert "High Street" not in response.content.decode()


def test_an_organisation_without_the_purpose_is_refused(person, policy, db):
    other = PolicyFactory().requester
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {agency_token(other, scope='exchange')}")
    refused_with(ask(api, person, ["population.street"]), "holds no purpose")


def test_an_objection_is_honoured(tax_api, person, policy, tax):
    Objection.objects.create(person=person, recipient=tax, created_at=dt.datetime.now(dt.UTC))
    refused_with(ask(tax_api, person, ["population.street"]), "objected")


def test_an_objection_about_another_register_or_agency_does_not_block(
    tax_api, person, policy, keeper_org
):
    now = dt.datetime.now(dt.UTC)
    Objection.objects.create(person=person, register_code="vehicles", created_at=now)
    Objection.objects.create(person=person, recipient=keeper_org, created_at=now)
    assert ask(tax_api, person, ["population.street"]).status_code == 200


def test_a_mandatory_purpose_overrides_an_objection(tax_api, person, policy, purpose):
    purpose.mandatory = True
    purpose.save()
    Objection.objects.create(person=person, created_at=dt.datetime.now(dt.UTC))
    assert ask(tax_api, person, ["population.street"]).status_code == 200


def test_a_purpose_needing_consent_is_answered_only_while_consent_is_in_force(
    tax_api, person, policy, purpose, tax
):
    purpose.consent_required = True
    purpose.save()
    refused_with(ask(tax_api, person, ["population.street"]), "consent")
    consent = Consent.objects.create(
        person=person,
        organisation=tax,
        purpose=purpose,
        fields=["population.street"],
        given_at=dt.datetime.now(dt.UTC),
    )
    assert ask(tax_api, person, ["population.street"]).status_code == 200
    consent.revoked_at = dt.datetime.now(dt.UTC)
    consent.save()
    assert ask(tax_api, person, ["population.street"]).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"purpose": "housing-benefit", "fields": ["population.street"]}, "subject"),
        ({"subject": "not-a-uuid", "purpose": "housing-benefit", "fields": ["a.b"]}, "subject"),
        (
            {"subject": "0190b8c4-0000-7000-8000-000000000001", "purpose": "x", "fields": []},
            "fields",
        ),
        (
            {
                "subject": "0190b8c4-0000-7000-8000-000000000001",
                "purpose": "x",
                "fields": ["street"],
            },
            "fields[0]",
        ),
        (
            {
                "subject": "0190b8c4-0000-7000-8000-000000000001",
                "national_id": "1",
                "purpose": "x",
                "fields": ["a.b"],
            },
            "subject",
        ),
    ],
)
def test_malformed_requests_answer_400_naming_the_field(tax_api, body, field):
    response = tax_api.post(URL, body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert field in [e["field"] for e in response.json()["errors"]]
    assert DataRequest.objects.count() == 0


@pytest.mark.parametrize("name", ["population.shoe_size", "shoes.size"])
def test_an_unknown_register_or_field_answers_400(tax_api, person, policy, name):
    response = ask(tax_api, person, [name])
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "fields"
    assert DataRequest.objects.count() == 0


def test_an_unknown_person_answers_404(tax_api, policy, population):
    response = ask(tax_api, PersonFactory.build(), ["population.street"])
    assert response.status_code == 404


def test_without_a_token_or_without_the_exchange_scope_nothing_is_answered(person, policy, tax):
    assert ask(APIClient(), person, ["population.street"]).status_code in (401, 403)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {agency_token(tax, scope='registers:read')}")
    assert ask(api, person, ["population.street"]).status_code == 403
    assert Entry.objects.count() == 0


def test_a_ledger_that_cannot_write_answers_503_and_discloses_nothing(
    tax_api, person, policy, purpose, tax
):
    """Two registers, one ledger statement for both entries; it fails -> all rolled back."""
    vehicles = vehicles_register(PolicyFactory().keeper)
    record_create(
        register=vehicles,
        data=vehicle(1, owner_id=str(person.pk)),
        actor=keeper_caller(vehicles.organisation),
    )
    purpose.allowed_fields = [*purpose.allowed_fields, "vehicles.plate"]
    purpose.save()
    PolicyFactory(
        purpose=purpose,
        requester=tax,
        keeper=vehicles.organisation,
        register_code="vehicles",
        fields=["plate"],
    )
    inserts = []

    def failing(execute, sql, params, many, context):
        if 'INSERT INTO "ledger_entry"' in sql:  # a plain INSERT, or the CTE on PostgreSQL
            inserts.append(sql)
            raise OperationalError("disk full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(failing):
        response = ask(tax_api, person, ["population.street", "vehicles.plate"])
    assert len(inserts) == 1
    assert response.status_code == 503 and response["Content-Type"] == PROBLEM
    text = response.content.decode()
    assert "High Street" not in text and "AB-001" not in text
    assert Entry.objects.count() == 0 and Record.objects.count() == 0
    assert DataRequest.objects.get().status == DataRequest.Status.FAILED


def test_three_registers_answer_in_one_request_with_one_entry_per_record(
    tax_api, person, policy, purpose, tax
):
    vehicles = vehicles_register(PolicyFactory().keeper)
    for n in (1, 2):
        record_create(
            register=vehicles,
            data=vehicle(n, owner_id=str(person.pk)),
            actor=keeper_caller(vehicles.organisation),
        )
    purpose.allowed_fields = [*purpose.allowed_fields, "vehicles.plate", "vehicles.make"]
    purpose.save()
    PolicyFactory(
        purpose=purpose,
        requester=tax,
        keeper=vehicles.organisation,
        register_code="vehicles",
        fields=["plate", "make"],
    )
    response = ask(tax_api, person, ["population.street", "vehicles.plate", "vehicles.make"])
    assert response.status_code == 200
    data = response.json()["data"]
    assert sorted(v["plate"] for v in data["vehicles"]) == ["AB-001", "AB-002"]
    assert set(data["vehicles"][0]) == {"plate", "make"}
    assert Entry.objects.count() == 3


def test_the_request_list_shows_my_organisations_requests_only_in_bounded_queries(
    tax_api, person, policy, django_assert_max_num_queries
):
    ask(tax_api, person, ["population.street"])
    ask(tax_api, person, ["population.given_name"])
    DataRequest.objects.create(
        requester=PolicyFactory().requester,
        purpose_code="x",
        status="refused",
        created_at=dt.datetime.now(dt.UTC),
    )
    with django_assert_max_num_queries(8):
        body = tax_api.get(URL).json()
    assert body["count"] == 2
    assert {r["status"] for r in body["results"]} == {"answered", "refused"}
    assert "data" not in body["results"][0]


def test_with_mtls_required_only_a_proxy_verified_certificate_gets_through(
    tax_api, person, policy, settings
):
    settings.GOVDOOR_EXCHANGE_MTLS_HEADER = "X-SSL-Client-Verify"
    assert ask(tax_api, person, ["population.street"]).status_code == 403
    token = tax_api._credentials["HTTP_AUTHORIZATION"]
    tax_api.credentials(HTTP_AUTHORIZATION=token, HTTP_X_SSL_CLIENT_VERIFY="FAILED:expired")
    assert ask(tax_api, person, ["population.street"]).status_code == 403
    tax_api.credentials(
        HTTP_AUTHORIZATION=token,
        HTTP_X_SSL_CLIENT_VERIFY="SUCCESS",
    )
    assert ask(tax_api, person, ["population.street"]).status_code == 200
    assert Entry.objects.count() == 1


def test_a_field_name_shared_by_two_registers_is_read_only_where_it_was_asked(
    tax_api, person, policy, purpose, tax, keeper_org
):
    from govdoor.registries.services import register_create

    s = {"type": "string"}
    addresses = register_create(
        organisation=keeper_org,
        code="mail",
        name="Mail addresses",
        json_schema={"type": "object", "properties": {"person_id": s, "street": s, "town": s}},
        personal_fields=["person_id", "street"],
        subject_field="person_id",
        subject_kind="person",
    )
    record_create(
        register=addresses,
        data={"person_id": str(person.pk), "street": "PO Box 9", "town": "Elsewhere"},
        actor=keeper_caller(keeper_org),
    )
    purpose.allowed_fields = [*purpose.allowed_fields, "mail.town"]
    purpose.save()
    PolicyFactory(
        purpose=purpose, requester=tax, keeper=keeper_org, register_code="mail", fields=["town"]
    )
    response = ask(tax_api, person, ["population.street", "mail.town"])
    assert response.status_code == 200, response.content
    assert response.json()["data"] == {
        "mail": [{"town": "Elsewhere"}],
        "population": [{"street": "High Street 1"}],
    }
    assert "PO Box" not in response.content.decode()
    bodies = sorted(r.body for r in Record.objects.all())
    assert sum('"fields":[]' in b for b in bodies) == 1  # mail: town is not personal
    assert sum('"fields":["street"]' in b for b in bodies) == 1


def test_one_answered_request_takes_a_bounded_number_of_queries(tax_api, person, policy):
    from django.test.utils import CaptureQueriesContext

    assert ask(tax_api, person, ["population.street"]).status_code == 200  # warms the caches
    with CaptureQueriesContext(connection) as ctx:
        response = ask(tax_api, person, ["population.street", "population.age_over_18"])
    assert response.status_code == 200
    statements = [q["sql"] for q in ctx.captured_queries]
    # The token; the request's transaction (a savepoint inside the test's: 2); the person's
    # objections (the purpose is not mandatory); the records (one query for every register
    # asked); one statement for all entries and the request row on PostgreSQL (on SQLite
    # two for the entries, one for the request row).
    # Purpose, policies, registers and the organisation are cached.
    bound = 6 if connection.vendor == "postgresql" else 8
    assert len(statements) <= bound, "\n".join(s[:100] for s in statements)
    writes = [s for s in statements if "exchange_datarequest" in s]
    assert len(writes) == 1
    if connection.vendor == "postgresql":
        assert "ledger_entry" in writes[0]
    assert not any("exchange_accesspolicy" in s or "exchange_purpose" in s for s in statements)
