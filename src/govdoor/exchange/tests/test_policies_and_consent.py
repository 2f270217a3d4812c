"""Purposes, two-sided policies, consent and objections; the grant registries asks for."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from govdoor.core import clock
from govdoor.core.errors import Conflict, DomainError, Refused
from govdoor.exchange import selectors, services
from govdoor.exchange.models import AccessPolicy
from govdoor.exchange.tests.factories import (
    PolicyFactory,
    PurposeFactory,
    UserFactory,
    agency_token,
    keeper_user,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


def test_a_purpose_names_only_fields_its_registers_have(tax, population):
    with pytest.raises(DomainError) as err:
        services.purpose_create(
            code="p",
            name="P",
            description="d",
            legal_basis="Act s. 1",
            allowed_fields=["population.shoe_size"],
            retention_days=30,
            requesting_organisations=[tax],
        )
    assert err.value.field == "fields"
    purpose = services.purpose_create(
        code="p",
        name="P",
        description="d",
        legal_basis="Act s. 1",
        allowed_fields=["population.street", "population.age_over_18"],
        retention_days=30,
        requesting_organisations=[tax],
    )
    assert list(purpose.requesting_organisations.all()) == [tax]


def test_a_policy_is_proposed_by_the_requester_and_approved_by_the_keeper_only(
    tax, keeper_org, population, purpose
):
    policy = services.policy_propose(
        purpose=purpose,
        requester=tax,
        register_code="population",
        fields=["street", "age_over_18"],
        valid_from=TODAY,
    )
    assert policy.status == "proposed" and policy.keeper == keeper_org
    assert (policy.fields, policy.derived) == (["street"], ["age_over_18"])
    with pytest.raises(Refused):
        services.policy_decide(policy=policy, approve=True, decided_by=keeper_user(tax))
    with pytest.raises(Refused):  # the keeping organisation, but not a register keeper
        services.policy_decide(
            policy=policy, approve=True, decided_by=keeper_user(keeper_org, role="case_worker")
        )
    services.policy_decide(policy=policy, approve=True, decided_by=keeper_user(keeper_org))
    assert policy.status == "approved" and policy.decided_at is not None
    with pytest.raises(Conflict):
        services.policy_decide(policy=policy, approve=False, decided_by=keeper_user(keeper_org))


def test_a_policy_cannot_ask_beyond_its_purpose_or_end_before_it_starts(tax, population, purpose):
    with pytest.raises(DomainError):
        services.policy_propose(
            purpose=purpose,
            requester=tax,
            register_code="population",
            fields=["given_name"],
            valid_from=TODAY,
        )
    with pytest.raises(DomainError):
        services.policy_propose(
            purpose=purpose,
            requester=tax,
            register_code="population",
            fields=["street"],
            valid_from=TODAY,
            valid_to=TODAY - dt.timedelta(days=1),
        )
    with pytest.raises(Refused):
        services.policy_propose(
            purpose=PurposeFactory(),
            requester=tax,
            register_code="population",
            fields=["street"],
            valid_from=TODAY,
        )


def test_the_grant_outside_a_request_holds_only_for_mandatory_purposes(policy, tax, purpose):
    ask = dict(
        organisation=tax, register_code="population", fields=["street"], purpose="housing-benefit"
    )
    assert selectors.exchange_grant_allows(**ask) is False  # objection could apply
    purpose.mandatory = True
    purpose.save()
    assert selectors.exchange_grant_allows(**ask) is True
    assert selectors.exchange_grant_allows(**{**ask, "fields": ["given_name"]}) is False
    assert selectors.exchange_grant_allows(**{**ask, "purpose": "other"}) is False
    assert selectors.exchange_grant_allows(**{**ask, "organisation": None}) is False
    policy.valid_to = dt.date(2021, 1, 1)
    policy.save()
    assert selectors.exchange_grant_allows(**ask) is False


def test_an_objection_to_a_mandatory_purpose_is_refused_with_the_reason(person, purpose):
    purpose.mandatory = True
    purpose.save()
    with pytest.raises(Refused) as err:
        services.objection_create(person=person, purpose=purpose)
    assert purpose.legal_basis in err.value.detail and "cannot object" in err.value.detail


def test_an_objection_can_be_made_and_withdrawn(person, purpose, tax, policy):
    objection = services.objection_create(person=person, recipient=tax, purpose=purpose)
    found = selectors.objection_against(
        person_id=person.pk, register_code="population", recipient=tax, purpose=purpose
    )
    assert found == objection
    services.objection_withdraw(objection=objection)
    assert (
        selectors.objection_against(
            person_id=person.pk, register_code="population", recipient=tax, purpose=purpose
        )
        is None
    )


def test_consent_covers_only_its_fields_until_it_expires_or_is_revoked(person, purpose, tax):
    with pytest.raises(DomainError):
        services.consent_give(
            person=person, purpose=purpose, organisation=tax, fields=["population.given_name"]
        )
    expires = clock.now() + dt.timedelta(days=30)
    consent = services.consent_give(
        person=person,
        purpose=purpose,
        organisation=tax,
        fields=["population.street"],
        expires_at=expires,
    )
    covering = dict(person_id=person.pk, organisation=tax, purpose=purpose)
    assert selectors.consent_covering(**covering, fields=["population.street"]) == consent
    assert selectors.consent_covering(**covering, fields=["population.birth_date"]) is None
    with clock.frozen_at(expires + dt.timedelta(seconds=1)):
        assert selectors.consent_covering(**covering, fields=["population.street"]) is None
    services.consent_revoke(consent=consent)
    assert selectors.consent_covering(**covering, fields=["population.street"]) is None


# --- over HTTP ----------------------------------------------------------------------------


def test_policies_over_http_proposed_by_the_agency_and_decided_by_a_signed_in_keeper(
    tax_api, keeper_org, population, purpose
):
    response = tax_api.post(
        "/api/v1/exchange/policies",
        {
            "purpose": "housing-benefit",
            "register": "population",
            "fields": ["street"],
            "valid_from": "2026-01-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    policy_id = response.json()["id"]
    url = f"/api/v1/exchange/policies/{policy_id}/decision"
    assert tax_api.post(url, {"approve": True}, format="json").status_code == 403
    staff = APIClient()
    staff.force_login(keeper_user(keeper_org))
    assert staff.post(url, {"approve": "maybe"}, format="json").status_code == 400
    response = staff.post(url, {"approve": True, "note": "ok"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert AccessPolicy.objects.get().decided_by is not None


def test_a_policy_of_other_organisations_answers_404(tax_api, db):
    policy = PolicyFactory()
    url = f"/api/v1/exchange/policies/{policy.pk}/decision"
    assert tax_api.post(url, {"approve": True}, format="json").status_code == 404
    assert tax_api.post("/api/v1/exchange/policies/nope/decision", {}).status_code == 404


def test_bad_policy_input_answers_400_naming_the_field(tax_api, population, purpose):
    response = tax_api.post(
        "/api/v1/exchange/policies",
        {
            "purpose": "housing-benefit",
            "register": "population",
            "fields": [],
            "valid_from": "yesterday",
        },
        format="json",
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"fields", "valid_from"}


def test_purposes_and_policies_list_in_bounded_queries(
    tax_api, policy, django_assert_max_num_queries
):
    PurposeFactory.create_batch(3)
    with django_assert_max_num_queries(8):
        purposes = tax_api.get("/api/v1/exchange/purposes").json()
    assert purposes["count"] == 4
    mine = next(p for p in purposes["results"] if p["code"] == "housing-benefit")
    assert mine["requesting_organisations"] == ["tax"] and mine["legal_basis"]
    PolicyFactory()  # someone else's
    with django_assert_max_num_queries(8):
        policies = tax_api.get("/api/v1/exchange/policies").json()
    assert policies["count"] == 1 and policies["results"][0]["register"] == "population"


def test_subscriptions_over_http_return_the_secret_once(tax_api, policy):
    body = {
        "purpose": "housing-benefit",
        "topic": "population.address_changed",
        "url": "https://tax.example/hook",
    }
    response = tax_api.post("/api/v1/exchange/subscriptions", body, format="json")
    assert response.status_code == 201 and len(response.json()["secret"]) > 30
    bad = tax_api.post("/api/v1/exchange/subscriptions", {**body, "topic": "x"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "topic"


def test_subscribing_without_a_policy_is_refused_over_http(tax, purpose, population):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {agency_token(tax, scope='exchange')}")
    body = {"purpose": "housing-benefit", "topic": "population.address_changed", "plugin": "demo"}
    assert api.post("/api/v1/exchange/subscriptions", body, format="json").status_code == 403


def test_staff_without_a_role_cannot_use_the_api(db):
    api = APIClient()
    api.force_login(UserFactory())
    assert api.get("/api/v1/exchange/purposes").status_code == 403


def test_either_party_can_withdraw_a_policy_and_requests_stop_at_once(
    tax, tax_api, person, policy, keeper_org
):
    assert (
        tax_api.post(
            "/api/v1/exchange/requests",
            {
                "subject": str(person.pk),
                "purpose": "housing-benefit",
                "fields": ["population.street"],
            },
            format="json",
        ).status_code
        == 200
    )
    stranger = PolicyFactory().requester
    with pytest.raises(Refused):
        services.policy_withdraw(
            policy=policy, organisation=stranger, by=keeper_user(stranger, "service_owner")
        )
    with pytest.raises(Refused):  # a case worker of the requester
        services.policy_withdraw(
            policy=policy, organisation=tax, by=keeper_user(tax, "case_worker")
        )
    services.policy_withdraw(policy=policy, organisation=tax, by=keeper_user(tax, "service_owner"))
    assert policy.status == "withdrawn"
    with pytest.raises(Conflict):
        services.policy_withdraw(policy=policy, organisation=keeper_org, by=keeper_user(keeper_org))
    refused = tax_api.post(
        "/api/v1/exchange/requests",
        {"subject": str(person.pk), "purpose": "housing-benefit", "fields": ["population.street"]},
        format="json",
    )
    assert refused.status_code == 403 and "No approved policy" in refused.json()["detail"]


def test_a_refusal_is_logged_with_ids_and_no_personal_data(tax_api, person, policy, caplog):
    caplog.set_level("INFO", logger="govdoor.exchange.services")
    tax_api.post(
        "/api/v1/exchange/requests",
        {
            "national_id": person.national_id,
            "purpose": "housing-benefit",
            "fields": ["population.given_name"],
        },
        format="json",
    )
    records = [r for r in caplog.records if r.name == "govdoor.exchange.services"]
    assert len(records) == 1 and records[0].status == "refused"
    assert records[0].data_request_id
    text = repr(records[0].__dict__)
    assert person.national_id not in text and person.given_name not in text
