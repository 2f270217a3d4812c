"""POST /api/v1/rules/{package}/calculate and the bias reports' open data."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from govdoor.identity.testing import agency_access_token
from govdoor.ledger.models import Entry as LedgerEntry
from govdoor.rules import bias
from govdoor.rules.models import BiasReport, Decision, Offer, SandboxRun, Scan

URL = "/api/v1/rules/demoland/calculate"
FAMILY = {
    "persons": {"parent": {"age": 34}, "child": {"age": 6}},
    "households": {
        "home": {
            "adults": ["parent"],
            "children": ["child"],
            "household_income": 1850,
            "child_benefit": None,
        }
    },
}


@pytest.fixture(autouse=True)
def no_throttle_memory() -> None:
    cache.clear()


def post(client: APIClient, body: Any, query: str = "?period=2026-03") -> Any:
    return client.post(URL + query, body, format="json")


def fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json().get("errors", [])]


def test_anyone_can_calculate_and_gets_values_trace_and_explanation(db: None) -> None:
    response = post(APIClient(), FAMILY)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["values"]["households"]["home"]["child_benefit"] == {"2026-03": 120.0}
    assert body["trace"][0]["name"] == "child_benefit"
    params = {p["name"]: p for p in body["trace"][0]["children"][1]["parameters"]}
    assert params["child_benefit.income_limit"]["reference"] == (
        "Article 4 of the Child Benefit Act"
    )
    assert "1,850.00 is below the limit 2,400.00" in body["explanation"]["child_benefit"][0]


def test_the_explanation_comes_in_french(db: None) -> None:
    response = post(APIClient(), FAMILY, "?period=2026-03&language=fr")
    sentence = response.json()["explanation"]["child_benefit"][0]
    assert sentence.startswith("Vous recevez 120,00 par mois")


def test_an_agency_system_calculates_with_its_token(db: None, release: Any) -> None:
    from govdoor.organisations.tests.factories import OrganisationFactory

    client = APIClient()
    token = agency_access_token(organisation=OrganisationFactory(), scope="rules")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = post(client, FAMILY, "?period=2026-03&trace=false")
    assert response.status_code == 200 and response.json()["trace"] == []
    assert response.json()["version"] == "2026.1"


def test_agency_systems_are_not_held_to_the_anonymous_rate(
    db: None, settings: Any, release: Any
) -> None:
    from govdoor.organisations.tests.factories import OrganisationFactory

    settings.GOVDOOR_RULES_ANON_RATE = "1/min"
    client = APIClient()
    token = agency_access_token(organisation=OrganisationFactory(), scope="rules")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert [post(client, FAMILY).status_code for _ in range(3)] == [200, 200, 200]


def test_calculating_stores_nothing(db: None) -> None:
    before = [
        m.objects.count() for m in (Decision, Offer, Scan, BiasReport, SandboxRun, LedgerEntry)
    ]
    assert post(APIClient(), FAMILY).status_code == 200
    after = [
        m.objects.count() for m in (Decision, Offer, Scan, BiasReport, SandboxRun, LedgerEntry)
    ]
    assert before == after


def test_an_unknown_variable_is_named(db: None) -> None:
    body = {"persons": {"p": {"age": 3, "pocket_money": None}}}
    response = post(APIClient(), body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert fields(response) == ["persons.p.pocket_money"]


def test_a_bad_situation_is_explained_in_french_when_asked(db: None) -> None:
    body = {"persons": {"p": {"age": 3, "pocket_money": None}}}
    response = APIClient().post(
        URL + "?period=2026-03", body, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "persons.p.pocket_money", "detail": "Variable inconnue : 'pocket_money'."}
    ]
    english = post(APIClient(), body).json()["errors"][0]["detail"]
    assert english == "Unknown variable 'pocket_money'."


def test_a_missing_required_input_is_named(db: None) -> None:
    body = {
        "persons": {"parent": {"age": 34}},
        "households": {"home": {"adults": ["parent"], "child_benefit": None}},
    }
    response = post(APIClient(), body)
    assert response.status_code == 400
    assert fields(response) == ["households.home.household_income"]


def test_a_value_of_the_wrong_type_is_named(db: None) -> None:
    body = {
        "persons": {"parent": {"age": "thirty"}},
        "households": {
            "home": {"adults": ["parent"], "household_income": 10, "child_benefit": None}
        },
    }
    response = post(APIClient(), body)
    assert response.status_code == 400
    assert fields(response)[0].startswith("persons.parent.age")


def test_an_unknown_entity_an_unknown_package_and_no_question_are_refused(db: None) -> None:
    assert fields(post(APIClient(), {"cars": {}})) == ["cars"]
    assert (
        APIClient().post("/api/v1/rules/atlantis/calculate", FAMILY, format="json").status_code
        == 404
    )
    no_question = {"persons": {"p": {"age": 3}}}
    assert fields(post(APIClient(), no_question)) == ["situation"]
    assert fields(post(APIClient(), FAMILY, "?version=1999.1")) == ["version"]
    assert post(APIClient(), [1, 2]).status_code == 400


def test_anonymous_calculations_are_rate_limited(db: None, settings: Any) -> None:
    settings.GOVDOOR_RULES_ANON_RATE = "2/min"
    client = APIClient()
    codes = [post(client, FAMILY).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_bias_reports_are_open_data_as_json_and_csv(
    binding: Any, release: Any, django_assert_max_num_queries: Any
) -> None:
    from govdoor.core import clock

    for i in range(3):
        BiasReport.objects.create(
            release=release,
            service_code="child-benefit",
            variable="child_benefit",
            period="2026-03",
            population=220,
            rows=bias.bias_figures(
                [
                    {
                        "sex": "F",
                        "age_band": "25-44",
                        "region": "N",
                        "disability": "no",
                        "amount": float(i),
                    }
                ]
            ),
            created_at=clock.now(),
        )
    client = APIClient()
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/rules/bias-reports?page_size=2")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert body["results"][0]["version"] == "2026.1"
    report_id = body["results"][0]["id"]
    csv_response = client.get(f"/api/v1/rules/bias-reports/{report_id}.csv")
    assert csv_response.status_code == 200
    lines = csv_response.content.decode().splitlines()
    assert lines[0] == ",".join(bias.CSV_COLUMNS) and len(lines) == 5
    assert client.get("/api/v1/rules/bias-reports/nope.csv").status_code == 404
