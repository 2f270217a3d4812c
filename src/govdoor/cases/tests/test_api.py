from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from govdoor.cases.models import CaseStatus
from govdoor.cases.tests.factories import open_case
from govdoor.identity.testing import agency_access_token

pytestmark = pytest.mark.django_db


def _api(organisation: Any, scope: str = "cases") -> APIClient:
    client = APIClient()
    token = agency_access_token(organisation=organisation, scope=scope)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_an_agency_lists_its_own_cases_with_bounded_queries(
    country: dict[str, Any],
    tax_service: Any,
    parking: dict[str, Any],
    applicant: Any,
    django_assert_max_num_queries: Any,
) -> None:
    mine = {open_case(tax_service, applicant).reference for _ in range(3)}
    other = open_case(parking["riverton"], applicant)
    client = _api(country["tax"])
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/cases")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {row["reference"] for row in body["results"]} == mine
    assert other.reference not in response.content.decode()
    assert "answers" not in body["results"][0]


def test_the_list_filters_and_rejects_bad_filters_naming_the_field(
    country: dict[str, Any], tax_service: Any, applicant: Any
) -> None:
    case = open_case(tax_service, applicant)
    client = _api(country["tax"])
    assert client.get("/api/v1/cases", {"status": "decided"}).json()["count"] == 0
    found = client.get("/api/v1/cases", {"q": case.reference}).json()
    assert [r["id"] for r in found["results"]] == [str(case.pk)]
    bad = client.get("/api/v1/cases", {"status": "lost"})
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"][0]["field"] == "status"


def test_a_case_reads_with_answers_and_history_and_another_agencys_case_is_404(
    country: dict[str, Any], tax_service: Any, parking: dict[str, Any], applicant: Any
) -> None:
    case = open_case(tax_service, applicant)
    other = open_case(parking["riverton"], applicant)
    client = _api(country["tax"])
    body = client.get(f"/api/v1/cases/{case.pk}").json()
    assert body["reference"] == case.reference
    assert body["answers"]["reason"]["source"] == {"declared": True}
    assert body["history"][0]["kind"] == "opened"
    missing = client.get(f"/api/v1/cases/{other.pk}")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"


def test_an_agency_records_a_decision_and_a_second_one_is_a_conflict(
    country: dict[str, Any], tax_service: Any, applicant: Any
) -> None:
    case = open_case(tax_service, applicant)
    client = _api(country["tax"])
    bad = client.post(f"/api/v1/cases/{case.pk}/decision", {"outcome": "maybe"}, format="json")
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"outcome", "reason"}
    ok = client.post(
        f"/api/v1/cases/{case.pk}/decision",
        {"outcome": "refused", "reason": "Income above the limit", "decision_ref": "ext-9"},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json()["status"] == CaseStatus.DECIDED
    again = client.post(
        f"/api/v1/cases/{case.pk}/decision",
        {"outcome": "granted", "reason": "Changed"},
        format="json",
    )
    assert again.status_code == 409


def test_a_token_without_the_cases_scope_is_refused(country: dict[str, Any]) -> None:
    response = _api(country["tax"], scope="messaging").get("/api/v1/cases")
    assert response.status_code == 403
    assert APIClient().get("/api/v1/cases").status_code in (401, 403)


def test_a_staff_session_without_a_case_role_cannot_decide_through_the_api(
    country: dict[str, Any], tax_service: Any, applicant: Any
) -> None:
    from govdoor.cases.tests.factories import staff_member
    from govdoor.identity.testing import sign_in_staff

    case = open_case(tax_service, applicant)
    auditor = staff_member(country["tax"], "api-auditor", "auditor")
    client = APIClient()
    sign_in_staff(client, auditor)
    response = client.post(
        f"/api/v1/cases/{case.pk}/decision", {"outcome": "granted", "reason": "x"}, format="json"
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
