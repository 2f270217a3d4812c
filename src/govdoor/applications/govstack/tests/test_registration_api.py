"""The GovStack Registration API as a client written from the spec sees it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from govdoor.applications.govstack.mapping import eform_schema
from govdoor.cases import selectors as case_selectors
from govdoor.identity.testing import agency_access_token

IM = {"HTTP_INFORMATION_MEDIATOR_CLIENT": "eGovStack/GOV/90000009/counter"}
BASE = "/govstack/registration"
SERVICE_KEYS = {
    "id",
    "name",
    "version",
    "type",
    "isExecutable",
    "isClosed",
    "description",
    "serviceBody",
}
FILE_KEYS = {
    "fileId",
    "registered",
    "serviceId",
    "serviceName",
    "status",
    "ended",
    "applicationData",
}
LIST_KEYS = {
    "fileId",
    "mainTaskId",
    "taskTitle",
    "roleId",
    "roleName",
    "assigneeId",
    "operatorName",
    "status",
    "applicantId",
    "created",
    "registered",
    "description",
    "serviceName",
    "serviceId",
    "eformId",
    "documentUrls",
    "additionalMeta",
}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


def api(token: str) -> dict[str, str]:
    return {**IM, "HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def token(country: dict[str, Any]) -> str:
    return agency_access_token(organisation=country["riverton_org"], scope="applications")


def answers(**changes: Any) -> dict[str, Any]:
    data = {
        "zone": "A",
        "disabled": False,
        "email": "ana@example.org",
        "start_on": "2026-12-01",
        "monthly_rent": 450,
    }
    data.update(changes)
    return data


def submit(client: Client, token: str, service: Any, person: Any, **headers: Any) -> Any:
    body = {"applicantId": str(person.pk), "formData": {"data": answers()}}
    return client.post(
        f"{BASE}/services/{service.pk}/applications",
        body,
        content_type="application/json",
        **api(token),
        **headers,
    )


def test_services_are_listed_with_the_spec_field_names(parking: Any, token: str) -> None:
    response = Client().get(f"{BASE}/services", **api(token))
    assert response.status_code == 200
    [service] = [s for s in response.json() if s["id"] == str(parking.pk)]
    assert set(service) == SERVICE_KEYS
    assert service["isExecutable"] is True and service["type"] == "Public"
    assert {p["code"] for p in service["serviceBody"]} >= {"owner", "levelOfAssurance"}


def test_paths_answer_without_a_trailing_slash_and_with_one_never_redirecting(
    parking: Any, token: str
) -> None:
    for path in (f"{BASE}/services/{parking.pk}", f"{BASE}/services/{parking.pk}/"):
        assert Client().get(path, **api(token)).status_code == 200


def test_the_information_mediator_header_is_required(parking: Any, token: str) -> None:
    response = Client().get(f"{BASE}/services", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    assert "Information-Mediator-Client" in response.json()["message"]


def test_a_call_without_a_token_or_with_another_scope_is_refused(
    country: dict[str, Any], parking: Any
) -> None:
    assert Client().get(f"{BASE}/services", **IM).status_code == 401
    other = agency_access_token(organisation=country["riverton_org"], scope="cases")
    assert Client().get(f"{BASE}/services", **api(other)).status_code == 403


def test_an_unknown_or_malformed_service_id_is_not_found(parking: Any, token: str) -> None:
    for sid in ("not-a-uuid", "0190a000-0000-7000-8000-000000000000"):
        response = Client().get(f"{BASE}/services/{sid}", **api(token))
        assert response.status_code == 404
        assert response.json()["code"] == 404


def test_the_eform_schema_describes_the_answers_a_client_sends(parking: Any, token: str) -> None:
    from jsonschema import Draft202012Validator

    [item] = Client().get(f"{BASE}/services/{parking.pk}/eForms", **api(token)).json()
    assert set(item) == {"eFormId", "name", "description", "version", "latest"}
    assert item["latest"] is True
    form = Client().get(f"{BASE}/eForms/{item['eFormId']}", **api(token)).json()
    schema = form["schema"]
    assert schema["properties"]["given_name"]["readOnly"] is True
    assert schema["properties"]["zone"]["enum"] == ["A", "B"]
    assert "badge_number" not in schema["required"]  # only asked under a condition
    Draft202012Validator(schema).validate(answers())
    assert list(Draft202012Validator(schema).iter_errors(answers(zone="C")))


def test_an_application_opens_one_case_at_the_competent_municipality_with_register_values(
    parking: Any, resident: Any, token: str, country: dict[str, Any]
) -> None:
    response = submit(Client(), token, parking, resident)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == FILE_KEYS
    assert body["status"] == {"code": "PENDING", "title": "Pending"}
    case = case_selectors.case_get(body["fileId"])
    assert case.organisation == country["riverton_org"]
    assert case.answers["plate"]["value"] == "RV-123"
    assert case.answers["plate"]["source"]["register"] == "vehicles"
    assert case.answers["zone"] == {"value": "A", "source": {"declared": True}}


def test_the_same_idempotency_key_twice_gives_one_application(
    parking: Any, resident: Any, token: str
) -> None:
    client = Client()
    first = submit(client, token, parking, resident, HTTP_IDEMPOTENCY_KEY="abc-123")
    second = submit(client, token, parking, resident, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.json()["fileId"] == second.json()["fileId"]
    assert case_selectors.cases_of_person(person=resident).count() == 1


def test_wrong_answers_are_named_and_nothing_is_created(
    parking: Any, resident: Any, token: str
) -> None:
    body = {
        "applicantId": str(resident.pk),
        "formData": {"data": answers(zone="Z", email="nope", surprise=1, plate="XX-999")},
    }
    response = Client().post(
        f"{BASE}/services/{parking.pk}/applications",
        body,
        content_type="application/json",
        **api(token),
    )
    assert response.status_code == 400
    named = {e["field"] for e in response.json()["errors"]}
    assert named == {"zone", "email", "surprise", "plate"}
    assert not case_selectors.cases_of_person(person=resident).exists()


def test_a_conditional_page_is_asked_when_an_answer_reveals_it(
    parking: Any, resident: Any, token: str
) -> None:
    body = {"applicantId": str(resident.pk), "formData": {"data": answers(disabled=True)}}
    response = Client().post(
        f"{BASE}/services/{parking.pk}/applications",
        body,
        content_type="application/json",
        **api(token),
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["badge_number"]


def test_an_unknown_applicant_or_a_foreign_organisation_is_refused(
    parking: Any, resident: Any, country: dict[str, Any]
) -> None:
    token = agency_access_token(organisation=country["riverton_org"], scope="applications")
    body = {"applicantId": "nobody", "formData": {"data": answers()}}
    response = Client().post(
        f"{BASE}/services/{parking.pk}/applications",
        body,
        content_type="application/json",
        **api(token),
    )
    assert response.status_code == 400 and response.json()["field"] == "applicantId"
    stranger = agency_access_token(organisation=country["transport"], scope="applications")
    assert submit(Client(), stranger, parking, resident).status_code == 403


def test_documents_are_uploaded_for_the_applicant_and_attached_to_the_application(
    parking: Any, resident: Any, token: str
) -> None:
    upload = io.BytesIO(PNG)
    upload.name = "badge.png"
    response = Client().post(
        f"{BASE}/documents?additionalMetadata=applicantId={resident.pk}",
        {"file": upload},
        **api(token),
    )
    assert response.status_code == 200, response.content
    url = response.json()["url"]
    assert set(response.json()) >= {"code", "type", "message", "url"}
    body = {
        "applicantId": str(resident.pk),
        "formData": {"data": answers(disabled=True, badge_number="123456")},
        "documentUrls": [url],
    }
    created = (
        Client()
        .post(
            f"{BASE}/services/{parking.pk}/applications",
            body,
            content_type="application/json",
            **api(token),
        )
        .json()
    )
    assert created["applicationData"]["documentUrls"] == [url]
    assert Client().get(url, **api(token)).content == PNG


def test_an_upload_that_is_not_an_allowed_type_is_a_bad_request(resident: Any, token: str) -> None:
    upload = io.BytesIO(b"MZ\x90\x00 not a document")
    upload.name = "form.pdf"
    response = Client().post(
        f"{BASE}/documents?additionalMetadata=applicantId={resident.pk}",
        {"file": upload},
        **api(token),
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"code", "type", "message"}


def test_the_task_of_an_application_is_completed_by_a_decision(
    parking: Any, resident: Any, token: str
) -> None:
    client = Client()
    file_id = submit(client, token, parking, resident).json()["fileId"]
    tasks = client.get(f"{BASE}/tasks?fileId={file_id}", **api(token)).json()
    assert [t["taskId"] for t in tasks] == [file_id]
    task = client.get(f"{BASE}/tasks/{file_id}", **api(token)).json()
    assert task["formVariables"]["zone"] == "A"
    bad = client.post(
        f"{BASE}/tasks/{file_id}/complete",
        {"data": {"decision": "MAYBE", "reason": "x"}},
        content_type="application/json",
        **api(token),
    )
    assert bad.status_code == 400
    done = client.post(
        f"{BASE}/tasks/{file_id}/complete",
        {"data": {"decision": "APPROVED", "reason": "All in order."}},
        content_type="application/json",
        **api(token),
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"]["code"] == "APPROVED"
    application = client.get(f"{BASE}/applications/{file_id}", **api(token)).json()
    assert application["status"]["code"] == "APPROVED" and application["ended"] is True
    again = client.post(
        f"{BASE}/tasks/{file_id}/complete",
        {"data": {"decision": "APPROVED", "reason": "twice"}},
        content_type="application/json",
        **api(token),
    )
    assert again.status_code == 404


def test_sending_back_asks_the_applicant_for_information(
    parking: Any, resident: Any, token: str
) -> None:
    client = Client()
    file_id = submit(client, token, parking, resident).json()["fileId"]
    done = client.post(
        f"{BASE}/tasks/{file_id}/complete",
        {"data": {"decision": "SENDBACK", "reason": "Send a photo of the car."}},
        content_type="application/json",
        **api(token),
    )
    assert done.json()["status"]["code"] == "SENDBACK"


def test_applications_are_listed_paginated_and_only_the_organisation_s_own(
    parking: Any,
    resident: Any,
    token: str,
    country: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    client = Client()
    file_id = submit(client, token, parking, resident).json()["fileId"]
    with django_assert_max_num_queries(12):
        listed = client.get(f"{BASE}/applications?maxResult=10", **api(token)).json()
    assert [item["fileId"] for item in listed] == [file_id]
    assert set(listed[0]) == LIST_KEYS
    assert client.get(f"{BASE}/applications?firstResult=1", **api(token)).json() == []
    assert client.get(f"{BASE}/applications?maxResult=0", **api(token)).status_code == 400
    stranger = agency_access_token(organisation=country["transport"], scope="applications")
    assert client.get(f"{BASE}/applications", **api(stranger)).json() == []
    assert client.get(f"{BASE}/applications/{file_id}", **api(stranger)).status_code == 404
    assert client.get(f"{BASE}/tasks/{file_id}", **api(stranger)).status_code == 404


def test_an_operator_s_input_is_recorded_on_the_file(
    parking: Any, resident: Any, token: str
) -> None:
    client = Client()
    file_id = submit(client, token, parking, resident).json()["fileId"]
    response = client.put(
        f"{BASE}/applications/{file_id}",
        {"applicantId": str(resident.pk), "formData": {"data": {"checked_id": True}}},
        content_type="application/json",
        **api(token),
    )
    assert response.status_code == 200
    notes = [e.note for e in case_selectors.case_history(case_selectors.case_get(file_id))]
    assert any("checked_id" in n for n in notes)
    empty = client.put(
        f"{BASE}/applications/{file_id}",
        {"formData": {}},
        content_type="application/json",
        **api(token),
    )
    assert empty.status_code == 400


def test_statistics_count_the_organisation_s_outcomes(
    parking: Any, resident: Any, token: str
) -> None:
    client = Client()
    file_id = submit(client, token, parking, resident).json()["fileId"]
    client.post(
        f"{BASE}/tasks/{file_id}/complete",
        {"data": {"decision": "REJECTED", "reason": "Not a resident zone."}},
        content_type="application/json",
        **api(token),
    )
    [stats] = client.get(f"{BASE}/data/statistics?timeframe=month", **api(token)).json()
    assert (stats["processed"], stats["approved"], stats["rejected"]) == (1, 0, 1)
    assert stats["references"]["timeframeMonth"] is True
    bad = client.get(f"{BASE}/data/statistics?startDate=yesterday", **api(token))
    assert bad.status_code == 400


def test_the_schema_marks_register_fields_read_only() -> None:
    definition = {
        "pages": [
            {
                "name": "p",
                "title": {"en": "P"},
                "fields": [
                    {
                        "name": "a",
                        "type": "number",
                        "label": {"en": "A"},
                        "required": True,
                        "validation": {"min": 1, "max": 5},
                    },
                    {
                        "name": "b",
                        "type": "text",
                        "label": {"en": "B"},
                        "prefill": {"register": "r", "field": "f", "purpose": "p"},
                    },
                ],
            }
        ]
    }
    schema = eform_schema(definition)
    assert schema["required"] == ["a"]
    assert schema["properties"]["a"] == {
        "title": "A",
        "type": "number",
        "minimum": 1.0,
        "maximum": 5.0,
    }
    assert schema["properties"]["b"]["readOnly"] is True
