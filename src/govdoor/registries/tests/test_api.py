import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from govdoor.core.models import OutboxEvent
from govdoor.registries import services
from govdoor.registries.tests.factories import (
    VEHICLE_SCHEMA,
    agency_token,
    keeper_caller,
    keeper_user,
    ledger_entries_after,
    ledger_mark,
    vehicle,
)

BASE = "/api/v1/registers/vehicles/1.0"


def client_for(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def api(org, register):
    return client_for(agency_token(org))


@pytest.fixture
def stranger(other_org):
    return client_for(agency_token(other_org))


def test_registers_list_and_schema_are_served(api):
    listed = api.get("/api/v1/registers")
    assert listed.status_code == 200 and listed.json()["results"][0]["code"] == "vehicles"
    schema = api.get(f"{BASE}/schema")
    assert schema.json() == VEHICLE_SCHEMA


def test_an_unknown_register_or_version_answers_404(api):
    assert api.get("/api/v1/registers/ships/1.0/records").status_code == 404
    assert api.get("/api/v1/registers/vehicles/9.9/records").status_code == 404


def test_create_with_bad_fields_answers_400_naming_each_field(api):
    response = api.post(f"{BASE}/records", {"data": {"plate": "x", "make": "V"}}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"/plate", "/make", "/owner_id"}


def test_create_read_update_delete_with_etags(api):
    created = api.post(f"{BASE}/records", {"data": vehicle(1)}, format="json")
    assert created.status_code == 201 and created["ETag"] == '"1"'
    url = f"{BASE}/records/{created.json()['id']}"
    read = api.get(url)
    assert read.json()["data"]["owner_national_id"] == "900000001"
    updated = api.patch(url, {"data": {"year": 2015}}, format="json", HTTP_IF_MATCH='"1"')
    assert updated.status_code == 200 and updated["ETag"] == '"2"'
    loser = api.patch(url, {"data": {"year": 2016}}, format="json", HTTP_IF_MATCH='"1"')
    assert loser.status_code == 412
    history = api.get(f"{url}/history").json()
    assert [v["version"] for v in history] == [1, 2]
    assert api.delete(url, HTTP_IF_MATCH='"2"').status_code == 204
    assert api.get(url).status_code == 404


def test_search_by_exact_personal_field_and_by_prefix(api, register, keeper):
    for n in range(1, 4):
        services.record_create(register=register, data=vehicle(n), actor=keeper)
    found = api.get(f"{BASE}/records", {"exact.owner_national_id": "900000002"}).json()
    assert [r["data"]["plate"] for r in found["results"]] == ["AB-002"]
    assert api.get(f"{BASE}/records", {"prefix.plate": "AB-00"}).json()["count"] == 3
    refused = api.get(f"{BASE}/records", {"prefix.owner_national_id": "9"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == (
        "owner_national_id"
    )


def test_a_search_does_a_bounded_number_of_queries_whatever_the_page_size(org, api):
    plain = services.register_create(
        organisation=org,
        code="makes",
        name="Makes",
        key_field="code",
        json_schema={"type": "object", "properties": {"code": {"type": "string"}}},
    )
    actor = keeper_caller(org)
    for n in range(30):
        services.record_create(register=plain, data={"code": f"M{n:02d}"}, actor=actor)
    with CaptureQueriesContext(connection) as small:
        assert api.get("/api/v1/registers/makes/1.0/records", {"page_size": 2}).status_code == 200
    with CaptureQueriesContext(connection) as large:
        response = api.get("/api/v1/registers/makes/1.0/records", {"page_size": 30})
    assert len(response.json()["results"]) == 30
    assert len(large) == len(small) <= 10


def test_personal_search_writes_one_ledger_entry_per_record_returned(api, register, keeper):
    for n in range(1, 4):
        services.record_create(register=register, data=vehicle(n), actor=keeper)
    mark = ledger_mark()
    api.get(f"{BASE}/records", {"page_size": 2})
    assert ledger_entries_after(mark).count() == 2


def test_another_agency_cannot_read_or_write_personal_records(stranger, register, keeper):
    record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    assert stranger.get(f"{BASE}/records/{record.pk}").status_code == 403
    assert stranger.post(f"{BASE}/records", {"data": vehicle(2)}, format="json").status_code == 403
    assert stranger.get(f"{BASE}/records/{record.pk}/history").status_code == 403


def test_a_read_only_token_cannot_write(org, register):
    reader = client_for(agency_token(org, scope="registers:read"))
    assert reader.post(f"{BASE}/records", {"data": vehicle(1)}, format="json").status_code == 403


def test_anonymous_callers_are_refused(register):
    assert APIClient().get(f"{BASE}/records").status_code in (401, 403)


def test_a_bulk_upsert_with_one_bad_row_is_refused_whole_and_lists_every_bad_row(api):
    rows = [vehicle(1), vehicle(2, plate="bad"), vehicle(3), vehicle(4, year="old")]
    response = api.post(f"{BASE}/records/bulk", {"rows": rows}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert [e["row"] for e in body["errors"]] == [2, 4]
    assert body["applied"] is False
    assert api.get(f"{BASE}/records").json()["count"] == 0


def test_a_partial_bulk_upsert_lands_good_rows_and_reports_bad_ones(api):
    rows = [vehicle(1), vehicle(2, plate="bad"), vehicle(3)]
    response = api.post(f"{BASE}/records/bulk?partial=true", {"rows": rows}, format="json")
    body = response.json()
    assert response.status_code == 200 and body["created"] == 2
    assert [e["row"] for e in body["errors"]] == [2]
    again = api.post(
        f"{BASE}/records/bulk", {"rows": [vehicle(1, make="Saab"), vehicle(3)]}, format="json"
    ).json()
    assert (again["updated"], again["unchanged"], again["created"]) == (1, 1, 0)


def test_a_staff_keeper_defines_a_register_and_a_schema_breaking_change_answers_409(org):
    client = APIClient()
    client.force_authenticate(keeper_user(org))
    body = {
        "code": "permits",
        "name": "Parking permits",
        "key_field": "number",
        "json_schema": {
            "type": "object",
            "required": ["number"],
            "properties": {"number": {"type": "string"}, "zone": {"type": "string"}},
        },
    }
    assert client.post("/api/v1/registers", body, format="json").status_code == 201
    client.post("/api/v1/registers/permits/1.0/records", {"data": {"number": "P1"}}, format="json")
    stricter = {**body["json_schema"], "required": ["number", "zone"]}
    response = client.put(
        "/api/v1/registers/permits/1.0/schema", {"json_schema": stricter}, format="json"
    )
    assert response.status_code == 409 and "1 existing record" in response.json()["detail"]


def test_a_caseworker_cannot_define_registers(org):
    client = APIClient()
    client.force_authenticate(keeper_user(org, role="case_worker"))
    body = {
        "code": "x",
        "name": "X",
        "json_schema": {"type": "object", "properties": {"a": {"type": "string"}}},
    }
    assert client.post("/api/v1/registers", body, format="json").status_code == 403


def test_as_of_reads_through_the_api(api, register, keeper):
    import datetime as dt

    from govdoor.core import clock

    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with clock.frozen_at(t0):
        record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    with clock.frozen_at(t0 + dt.timedelta(days=2)):
        services.record_update(record=record, data={"make": "Saab"}, actor=keeper, merge=True)
    url = f"{BASE}/records/{record.pk}"
    assert api.get(url, {"as_of": "2026-01-02T00:00:00Z"}).json()["data"]["make"] == "Volvo"
    assert api.get(url, {"as_of": "yesterday"}).status_code == 400


def test_export_as_csv_and_json_records_export_ledger_entries(api, register, keeper):
    services.record_create(register=register, data=vehicle(1), actor=keeper)
    mark = ledger_mark()
    csv_body = api.get(f"{BASE}/export", {"format": "csv"}).content.decode()
    assert csv_body.splitlines()[0].startswith("id,plate,make")
    assert "AB-001" in csv_body
    assert (
        api.get(f"{BASE}/export", {"format": "json"}).json()["records"][0]["data"]["plate"]
        == "AB-001"
    )
    exports = list(ledger_entries_after(mark))
    assert exports and all('"action":"export"' in (e.body or "") for e in exports)
    assert api.get(f"{BASE}/export", {"format": "xml"}).status_code == 400


def test_record_events_reach_the_outbox_on_create(api):
    api.post(f"{BASE}/records", {"data": vehicle(1)}, format="json")
    assert OutboxEvent.objects.filter(topic="registers.record_created").exists()


def test_a_stranger_cannot_search_or_export_a_personal_register_even_when_empty(stranger, register):
    assert stranger.get(f"{BASE}/records", {"exact.owner_national_id": "1"}).status_code == 403
    assert stranger.get(f"{BASE}/export").status_code == 403
