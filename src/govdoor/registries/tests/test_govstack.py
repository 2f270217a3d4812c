"""Written from the GovStack Digital Registries 1.3.0 specification (shared/specs/govstack)."""

import pytest
from rest_framework.test import APIClient

from govdoor.registries import services
from govdoor.registries.models import Record
from govdoor.registries.tests.factories import (
    PersonFactory,
    agency_token,
    ledger_entries_after,
    ledger_mark,
    vehicle,
)

IM = {"HTTP_INFORMATION_MEDIATOR_CLIENT": "eGovStack/GOV/90000009/digitalregistries"}
DATA = "/govstack/dr/data/vehicles/1.0"


@pytest.fixture
def gs(org, register):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {agency_token(org)}", **IM)
    return client


@pytest.fixture
def stored(register, keeper):
    return [
        services.record_create(register=register, data=vehicle(n), actor=keeper) for n in (1, 2, 3)
    ]


def test_requests_without_the_information_mediator_header_are_refused(org, register):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {agency_token(org)}")
    response = client.get(DATA)
    assert (
        response.status_code == 400 and "Information-Mediator-Client" in response.json()["detail"]
    )


def test_list_pages_with_count_next_previous_and_results(gs, stored):
    body = gs.get(DATA, {"page": 1, "pageSize": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert body["previous"] is None and "page=2" in body["next"]
    last = gs.get(DATA, {"page": 2, "pageSize": 2}).json()
    assert last["next"] is None and len(last["results"]) == 1
    assert gs.get(DATA, {"query.plate": "AB-002"}).json()["results"][0]["plate"] == "AB-002"
    assert gs.get(DATA, {"search": "^AB-00[12]$", "filter": "plate"}).json()["count"] == 2
    desc = gs.get(DATA, {"ordering": "descending"}).json()["results"]
    assert [r["plate"] for r in desc] == ["AB-003", "AB-002", "AB-001"]


def test_create_answers_200_with_the_content_and_its_id(gs):
    response = gs.post(f"{DATA}/create", {"write": {"content": vehicle(7)}}, format="json")
    assert response.status_code == 200
    content = response.json()["content"]
    assert content["plate"] == "AB-007" and Record.objects.filter(pk=content["id"]).exists()


def test_create_with_a_bad_record_answers_400_naming_the_fields(gs):
    response = gs.post(f"{DATA}/create", {"write": {"content": {"plate": "x"}}}, format="json")
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} >= {"/plate", "/make"}
    assert gs.post(f"{DATA}/create", {"content": {}}, format="json").status_code == 400


def test_exists_answers_status_true_or_false(gs, stored):
    yes = gs.post(f"{DATA}/exists", {"query": {"content": {"plate": "AB-001"}}}, format="json")
    assert yes.json()["answer"]["status"] is True
    no = gs.post(f"{DATA}/exists", {"query": {"content": {"plate": "ZZ-999"}}}, format="json")
    assert no.status_code == 200 and no.json()["answer"]["status"] is False


def test_read_returns_one_record_or_404_no_record_found(gs, stored):
    found = gs.post(
        f"{DATA}/read", {"query": {"content": {"owner_national_id": "900000002"}}}, format="json"
    )
    assert found.json()["content"]["plate"] == "AB-002"
    missing = gs.post(f"{DATA}/read", {"query": {"content": {"plate": "ZZ-999"}}}, format="json")
    assert missing.status_code == 404 and missing.json() == {"detail": "no record found"}


def test_update_changes_the_matching_record_and_keeps_history(gs, stored):
    response = gs.put(
        f"{DATA}/update",
        {"query": {"content": {"plate": "AB-001"}}, "write": {"content": {"make": "Saab"}}},
        format="json",
    )
    assert response.status_code == 200
    record = Record.objects.get(pk=stored[0].pk)
    assert record.data["make"] == "Saab" and record.version == 2
    missing = gs.put(
        f"{DATA}/update",
        {"query": {"content": {"plate": "ZZ-999"}}, "write": {"content": {"make": "Saab"}}},
        format="json",
    )
    assert missing.status_code == 404


def test_update_entries_changes_every_match_in_both_spellings(gs, stored):
    body = {"query": {"content": {"make": "Volvo"}}, "write": {"content": {"year": 2020}}}
    assert gs.put(f"{DATA}/updateEntries", body, format="json").json()["updated"] == 3
    body["write"]["content"]["year"] = 2021
    assert gs.put(f"{DATA}/update-entries", body, format="json").status_code == 200
    assert {r.data["year"] for r in Record.objects.all()} == {2021}


def test_update_or_create_updates_a_match_or_creates(gs, stored):
    updated = gs.post(
        f"{DATA}/updateOrCreate",
        {"query": {"content": {"plate": "AB-001"}}, "write": {"content": {"year": 1999}}},
        format="json",
    )
    assert updated.status_code == 200 and updated.json()["content"]["year"] == 1999
    created = gs.post(
        f"{DATA}/update-or-create",
        {"query": {"content": {"plate": "AB-009"}}, "write": {"content": vehicle(9)}},
        format="json",
    )
    assert created.json()["content"]["plate"] == "AB-009" and Record.objects.count() == 4


def test_delete_answers_204_and_the_record_is_gone(gs, stored):
    assert gs.delete(f"{DATA}/{stored[0].pk}/delete").status_code == 204
    assert gs.delete(f"{DATA}/{stored[0].pk}/delete").status_code == 404
    assert gs.delete(f"{DATA}/not-a-uuid/delete").status_code == 404


def test_read_value_in_both_spellings(gs, stored):
    url = f"{DATA}/{stored[1].pk}/readValue/make.json"
    assert gs.get(url).json() == {"value": "Volvo"}
    assert gs.get(f"{DATA}/{stored[1].pk}/read-value/plate.json").json() == {"value": "AB-002"}
    assert gs.get(f"{DATA}/{stored[1].pk}/readValue/nothing.json").status_code == 404


def test_an_unknown_registry_or_version_is_404(gs):
    assert gs.get("/govstack/dr/data/ships/1.0").status_code == 404
    assert (
        gs.post(
            "/govstack/dr/data/vehicles/2.0/read",
            {"query": {"content": {"plate": "AB-001"}}},
            format="json",
        ).status_code
        == 404
    )


def test_paths_answer_without_a_trailing_slash_redirect(gs, stored):
    response = gs.get(DATA)
    assert response.status_code == 200


def test_another_agency_is_refused_personal_records(other_org, stored):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {agency_token(other_org)}", **IM)
    response = client.post(
        f"{DATA}/read", {"query": {"content": {"plate": "AB-001"}}}, format="json"
    )
    assert response.status_code == 403 and "detail" in response.json()


def test_databases_and_database_info_use_the_spec_field_names(gs, register):
    body = gs.get("/govstack/dr/databases").json()
    info = body["databases"][0]
    assert {
        "id",
        "version",
        "name",
        "institution",
        "schema",
        "schemaFlags",
        "isDisabled",
        "genericServices",
        "modifiedAt",
    } <= set(info)
    assert info["name"] == "vehicles" and info["institution"] == "Transport Agency"
    one = gs.get(f"/govstack/dr/database/{register.number}").json()
    assert one["id"] == register.number
    assert gs.get("/govstack/dr/database/999").status_code == 404


def test_database_modify_creates_then_modifies_a_schema(gs):
    schema = {"type": "object", "properties": {"ID": {"type": "string", "primaryKey": True}}}
    body = {"groupName": "Test", "catalogName": "Mother and Child", "code": "MCR", "schema": schema}
    assert gs.post("/govstack/dr/database/modify", body, format="json").json() == schema
    schema2 = {**schema, "properties": {**schema["properties"], "name": {"type": "string"}}}
    assert (
        gs.post("/govstack/dr/database/modify", {**body, "schema": schema2}, format="json").json()
        == schema2
    )


def test_my_personal_data_usage_lists_reads_from_the_ledger(gs, org, register, keeper):
    person = PersonFactory()
    record = services.record_create(
        register=register, data=vehicle(1, owner_id=str(person.pk)), actor=keeper
    )
    gs.post(f"{DATA}/read", {"query": {"content": {"plate": "AB-001"}}}, format="json")
    for path in (
        "/govstack/dr/data/myPersonalDataUsage",
        "/govstack/dr/data/MyPersonalDataUsage/1.0",
    ):
        response = gs.get(path, {"userId": person.national_id, "databaseId": "vehicles"})
        assert response.status_code == 200
        uses = response.json()
        assert len(uses) == 1 and uses[0]["readerInstitutionId"] == org.code
        assert {"id", "readerId", "readerInstitutionName", "searchDateTime", "refrences"} <= set(
            uses[0]
        )
    assert record.subject_id == str(person.pk)
    assert gs.get("/govstack/dr/data/myPersonalDataUsage", {"userId": "x"}).status_code == 400
    assert (
        gs.get(
            "/govstack/dr/data/myPersonalDataUsage",
            {"userId": "000000000", "databaseId": "vehicles"},
        ).status_code
        == 404
    )


def test_personal_data_usage_is_refused_to_an_unrelated_agency(other_org, register):
    person = PersonFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {agency_token(other_org)}", **IM)
    response = client.get(
        "/govstack/dr/data/myPersonalDataUsage",
        {"userId": person.national_id, "databaseId": "vehicles"},
    )
    assert response.status_code == 403


def test_a_stranger_learns_nothing_from_exists_or_empty_lists_of_personal_registers(
    other_org, stored
):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {agency_token(other_org)}", **IM)
    for plate in ("AB-001", "ZZ-999"):
        response = client.post(
            f"{DATA}/exists", {"query": {"content": {"plate": plate}}}, format="json"
        )
        assert response.status_code == 403
    assert client.get(DATA, {"query.plate": "ZZ-999"}).status_code == 403
    body = {"query": {"content": {"plate": "ZZ-999"}}, "write": {"content": {"year": 2000}}}
    assert client.put(f"{DATA}/update", body, format="json").status_code == 403


def test_exists_on_a_personal_register_is_ledgered_with_the_queried_fields(gs, stored):
    mark = ledger_mark()
    gs.post(
        f"{DATA}/exists", {"query": {"content": {"owner_national_id": "900000001"}}}, format="json"
    )
    (entry,) = ledger_entries_after(mark)
    assert '"fields":["owner_national_id"]' in (entry.body or "")


def test_a_govstack_list_does_a_bounded_number_of_queries(org, gs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from govdoor.registries.tests.factories import keeper_caller

    plain = services.register_create(
        organisation=org,
        code="makes",
        name="Makes",
        json_schema={"type": "object", "properties": {"code": {"type": "string"}}},
    )
    for n in range(25):
        services.record_create(register=plain, data={"code": f"M{n:02d}"}, actor=keeper_caller(org))
    with CaptureQueriesContext(connection) as small:
        gs.get("/govstack/dr/data/makes/1.0", {"pageSize": 2})
    with CaptureQueriesContext(connection) as large:
        body = gs.get("/govstack/dr/data/makes/1.0", {"pageSize": 25}).json()
    assert len(body["results"]) == 25 and len(large) == len(small) <= 10


def test_the_spec_api_key_scheme_works_with_a_bare_token(org, stored):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=agency_token(org), **IM)
    assert client.get(DATA).json()["count"] == 3
    client.credentials(HTTP_AUTHORIZATION="not-a-token", **IM)
    assert client.get(DATA).status_code == 401
