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
from govdoor.ledger.models import Entry
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
    record = Entry.objects.get()
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


def test_a_policy_that_ends_today_is_refused_tomorrow_even_while_its_checks_are_cached(
    tax_api, person, policy
):
    from govdoor.core import clock

    noon = dt.datetime(2030, 6, 1, 12, tzinfo=dt.UTC)
    policy.valid_to = noon.date()
    policy.save()
    with clock.frozen_at(noon):
        assert ask(tax_api, person, ["population.street"]).status_code == 200
    # No change was saved, so the per-process cache still holds today's checks.
    with clock.frozen_at(noon + dt.timedelta(days=1)):
        response = ask(tax_api, person, ["population.street"])
    assert response.status_code == 403, response.content
    assert "not valid today" in response.json()["detail"]


def test_a_cached_refusal_is_worded_in_the_language_of_each_request(tax_api, person, policy):
    body = {
        "subject": str(person.pk),
        "purpose": "housing-benefit",
        "fields": ["population.street", "population.given_name"],
    }
    english, french, again = (
        tax_api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE=language)
        for language in ("en", "fr", "en")
    )
    assert [r.status_code for r in (english, french, again)] == [403, 403, 403]
    assert (
        "The policy does not allow these fields: population.given_name" in english.json()["detail"]
    )
    assert "La politique ne permet pas ces champs" in french.json()["detail"]
    assert again.json()["detail"] == english.json()["detail"]


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


@pytest.mark.django_db(transaction=True)
def test_at_top_level_a_request_about_an_unknown_person_is_kept_as_refused(
    tax_api, policy, population
):
    """The request's row is written with the read (nothing found); finding then that no such
    person exists turns it into a refusal with the reason, and the answer is a 404."""
    response = ask(tax_api, PersonFactory.build(), ["population.street"])
    assert response.status_code == 404
    assert Entry.objects.count() == 0
    request = DataRequest.objects.get()
    assert request.status == DataRequest.Status.REFUSED and "No such person" in request.reason


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
    assert Entry.objects.count() == 0
    assert DataRequest.objects.get().status == DataRequest.Status.FAILED


def _vehicles_allowed(purpose, tax, fields=("plate", "make")):
    vehicles = vehicles_register(PolicyFactory().keeper)
    purpose.allowed_fields = [*purpose.allowed_fields, *(f"vehicles.{f}" for f in fields)]
    purpose.save()
    PolicyFactory(
        purpose=purpose,
        requester=tax,
        keeper=vehicles.organisation,
        register_code="vehicles",
        fields=list(fields),
    )
    return vehicles


def _entry_bodies():
    return sorted(Entry.objects.values_list("body", flat=True))


def test_registers_answer_in_one_request_with_one_entry_per_register_read(
    tax_api, person, policy, purpose, tax
):
    vehicles = _vehicles_allowed(purpose, tax, fields=("plate", "make", "owner_id"))
    for n in (1, 2):
        record_create(
            register=vehicles,
            data=vehicle(n, owner_id=str(person.pk)),
            actor=keeper_caller(vehicles.organisation),
        )
    fields = ["population.street", "vehicles.plate", "vehicles.make", "vehicles.owner_id"]
    response = ask(tax_api, person, fields)
    assert response.status_code == 200
    data = response.json()["data"]
    assert sorted(v["plate"] for v in data["vehicles"]) == ["AB-001", "AB-002"]
    assert set(data["vehicles"][0]) == {"plate", "make", "owner_id"}
    # Two registers read (the two vehicles in one read): two entries, each naming the
    # personal fields asked of its register, under the same subject.
    bodies = _entry_bodies()
    assert len(bodies) == 2 and Entry.objects.count() == 2
    assert sorted(
        b.count('"fields":["owner_id"]') + 2 * b.count('"fields":["street"]') for b in bodies
    ) == [1, 2]
    assert all(f'"subject":"{person.pk}"' in b for b in bodies)


def test_a_register_without_a_record_about_the_person_gets_no_entry(
    tax_api, person, policy, purpose, tax
):
    _vehicles_allowed(purpose, tax)
    response = ask(tax_api, person, ["population.street", "vehicles.plate"])
    assert response.status_code == 200
    assert response.json()["data"] == {
        "population": [{"street": "High Street 1"}],
        "vehicles": [],
    }
    (body,) = _entry_bodies()
    assert '"fields":["street"]' in body


def test_a_plain_register_read_needs_no_entry_but_keeps_the_request_row(
    tax_api, person, policy, purpose, tax
):
    """Only plain fields asked of vehicles: its entry names no personal field, yet the read
    of the person's vehicles is still an access about them, so it is ledgered."""
    vehicles = _vehicles_allowed(purpose, tax)
    record_create(
        register=vehicles,
        data=vehicle(1, owner_id=str(person.pk)),
        actor=keeper_caller(vehicles.organisation),
    )
    assert ask(tax_api, person, ["vehicles.plate"]).status_code == 200
    (body,) = _entry_bodies()
    assert '"fields":[]' in body
    assert DataRequest.objects.get().status == DataRequest.Status.ANSWERED


def test_an_asked_field_the_record_leaves_empty_is_answered_empty_and_ledgered(
    tax_api, policy, population
):
    """The entry names what was asked and answered: an empty answer says something too."""
    person = PersonFactory()
    data = {"person_id": str(person.pk), "given_name": "Ann", "street": "Mill Lane 2"}
    record_create(register=population, data=data, actor=keeper_caller(population.organisation))
    response = ask(tax_api, person, ["population.street", "population.birth_date"])
    assert response.status_code == 200
    assert response.json()["data"] == {
        "population": [{"birth_date": None, "street": "Mill Lane 2"}]
    }
    (body,) = _entry_bodies()
    assert '"fields":["birth_date","street"]' in body


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
    bodies = sorted(r.body for r in Entry.objects.all())
    assert sum('"fields":[]' in b for b in bodies) == 1  # mail: town is not personal
    assert sum('"fields":["street"]' in b for b in bodies) == 1


def test_one_answered_request_takes_a_bounded_number_of_queries(tax_api, person, policy):
    from django.test.utils import CaptureQueriesContext

    assert ask(tax_api, person, ["population.street"]).status_code == 200  # warms the caches
    with CaptureQueriesContext(connection) as ctx:
        response = ask(tax_api, person, ["population.street", "population.age_over_18"])
    assert response.status_code == 200
    statements = [q["sql"] for q in ctx.captured_queries]
    # The token; the request's savepoint inside the test's transaction (2: at top level there
    # is none); the person's objections (the purpose is not mandatory); then on PostgreSQL
    # one statement reads the records of every register asked and writes their entries and
    # the request row; on SQLite the records, two inserts for the entries, one for the row.
    # Purpose, policies, registers and the organisation are cached.
    bound = 5 if connection.vendor == "postgresql" else 8
    assert len(statements) <= bound, "\n".join(s[:100] for s in statements)
    writes = [s for s in statements if "exchange_datarequest" in s]
    assert len(writes) == 1
    if connection.vendor == "postgresql":
        assert "ledger_entry" in writes[0] and "registries_record" in writes[0]
    assert not any("exchange_accesspolicy" in s or "exchange_purpose" in s for s in statements)


@pytest.mark.django_db(transaction=True)
def test_at_top_level_the_answer_is_one_statement_and_a_refusing_ledger_commits_none_of_it(
    tax_api, person, policy
):
    """No test transaction around the request: on PostgreSQL the read, its entry and the
    request row are one statement in autocommit (a transaction of its own). A trigger that
    refuses the entry leaves nothing of the answer behind, only the failure's record."""
    if connection.vendor != "postgresql":
        pytest.skip("the single-statement answer is PostgreSQL's; SQLite runs a transaction")
    seen = []

    def watch(execute, sql, params, many, context):
        if 'INSERT INTO "ledger_entry"' in sql:
            seen.append((connection.in_atomic_block, connection.get_autocommit()))
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_ledger_full() RETURNS trigger LANGUAGE plpgsql"
            " AS $$ BEGIN RAISE EXCEPTION 'ledger is full'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_ledger_full BEFORE INSERT ON ledger_entry"
            " FOR EACH ROW EXECUTE FUNCTION test_ledger_full()"
        )
    try:
        with connection.execute_wrapper(watch):
            refused = ask(tax_api, person, ["population.street"])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER test_ledger_full ON ledger_entry")
            cursor.execute("DROP FUNCTION test_ledger_full()")
    assert refused.status_code == 503 and "High Street" not in refused.content.decode()
    assert Entry.objects.count() == 0
    assert list(DataRequest.objects.values_list("status", flat=True)) == ["failed"]

    with connection.execute_wrapper(watch):
        answered = ask(tax_api, person, ["population.street"])
    assert answered.status_code == 200
    assert seen == [(False, True), (False, True)]  # autocommit, no atomic block around it
    assert Entry.objects.get().subject_ref == str(person.pk)
    assert sorted(DataRequest.objects.values_list("status", flat=True)) == ["answered", "failed"]
