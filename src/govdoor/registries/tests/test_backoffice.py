import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govdoor.identity.testing import sign_in_staff
from govdoor.registries import services
from govdoor.registries.models import CorrectionRequest, Record
from govdoor.registries.tests.factories import PersonFactory, UserFactory, keeper_user, vehicle

PAGE = "/backoffice/registers/vehicles/1.0/"


def signed_in(user):
    return sign_in_staff(Client(), user)


@pytest.fixture
def keeper_client(org, register):
    return signed_in(keeper_user(org))


def test_the_register_list_shows_registers_and_which_the_user_keeps(keeper_client):
    page = keeper_client.get("/backoffice/registers/").content.decode()
    assert "Vehicles" in page and "You keep this" in page


def test_staff_pages_need_a_signed_in_verified_staff_member(register):
    assert Client().get("/backoffice/registers/").status_code == 302


def test_an_upload_dry_run_shows_each_bad_row_and_writes_nothing(keeper_client):
    upload = SimpleUploadedFile("v.csv", b"plate,make,owner_id\nAB-001,Volvo,p1\nbad,V,p2\n")
    page = keeper_client.post(PAGE, {"file": upload, "mode": "dry"}).content.decode()
    assert "Dry run" in page and "/plate" in page and "/make" in page
    assert Record.objects.count() == 0


def test_an_upload_applied_imports_the_rows(keeper_client):
    upload = SimpleUploadedFile("v.csv", b"plate,make,owner_id\nAB-001,Volvo,p1\n")
    page = keeper_client.post(PAGE, {"file": upload, "mode": "apply"}).content.decode()
    assert "Imported" in page and Record.objects.count() == 1


def test_a_non_keeper_sees_no_import_form_and_cannot_import(other_org, register):
    client = signed_in(keeper_user(other_org))
    upload = SimpleUploadedFile("v.csv", b"plate,make,owner_id\nAB-001,Volvo,p1\n")
    page = client.post(PAGE, {"file": upload, "mode": "apply"}).content.decode()
    assert "Import a file" not in page and Record.objects.count() == 0


def test_the_keeper_accepts_a_correction_from_the_task_list(keeper_client, register, keeper):
    citizen = UserFactory(person=PersonFactory())
    record = services.record_create(
        register=register, data=vehicle(1, owner_id=str(citizen.person_id)), actor=keeper
    )
    correction = services.correction_request_create(
        record=record, user=citizen, proposed={"make": "Saab"}
    )
    assert "Accept" in keeper_client.get(PAGE).content.decode()
    response = keeper_client.post(
        f"{PAGE}corrections/{correction.pk}", {"decision": "accept", "note": "ok"}
    )
    assert response.status_code == 302
    assert CorrectionRequest.objects.get().status == "accepted"
    assert Record.objects.get().data["make"] == "Saab"


def person_client(user, loa=2):
    from govdoor.identity.decorators import SESSION_LOA

    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_LOA] = loa
    session.save()
    return client


def test_a_person_sees_which_registers_hold_data_about_them_but_not_the_values(register, keeper):
    citizen = UserFactory(person=PersonFactory())
    services.record_create(
        register=register, data=vehicle(1, owner_id=str(citizen.person_id)), actor=keeper
    )
    services.record_create(register=register, data=vehicle(2), actor=keeper)
    page = person_client(citizen).get("/my/registers/").content.decode()
    assert "Vehicles" in page and "Transport Agency" in page
    assert "AB-001" not in page and "AB-002" not in page and page.count("Ask for a correction") == 1


def test_a_person_asks_for_a_correction_and_bad_values_are_explained(register, keeper):
    citizen = UserFactory(person=PersonFactory())
    record = services.record_create(
        register=register, data=vehicle(1, owner_id=str(citizen.person_id)), actor=keeper
    )
    client = person_client(citizen)
    url = f"/my/registers/{record.pk}/correction/"
    bad = client.post(url, {"field": "year", "value": "1700"}).content.decode()
    assert "minimum" in bad and CorrectionRequest.objects.count() == 0
    response = client.post(url, {"field": "year", "value": "2011", "explanation": "typo"})
    assert response.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert correction.status == "open" and '"year": 2011' in correction.proposed


def test_another_persons_record_answers_404_on_the_correction_page(register, keeper):
    record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    client = person_client(UserFactory(person=PersonFactory()))
    assert client.get(f"/my/registers/{record.pk}/correction/").status_code == 404


DEFINE = "/backoffice/registers/new/"
PERMITS = {
    "code": "permits",
    "version": "1.0",
    "name": "Parking permits",
    "json_schema": '{"type": "object", "properties": {"plate": {"type": "string"}, '
    '"holder_id": {"type": "string"}}, "required": ["plate"]}',
    "personal_fields": "holder_id",
    "indexed_fields": "holder_id",
    "subject_field": "holder_id",
    "subject_kind": "person",
    "key_field": "plate",
    "retention_days": "365",
}


def test_a_keeper_defines_a_register_in_the_back_office(org, keeper_client):
    from govdoor.registries.models import Register

    response = keeper_client.post(DEFINE, PERMITS)
    assert response.status_code == 302
    assert response["Location"] == "/backoffice/registers/permits/1.0/"
    register = Register.objects.get(code="permits")
    assert register.organisation == org and register.retention_days == 365
    assert register.personal_fields == ["holder_id"] and register.indexed_fields == ["holder_id"]


def test_a_bad_definition_is_shown_with_each_problem_and_nothing_is_defined(keeper_client):
    from govdoor.registries.models import Register

    page = keeper_client.post(DEFINE, {**PERMITS, "personal_fields": "holder_id, colour"})
    assert page.status_code == 400
    assert "colour is not a field of the schema" in page.content.decode()
    page = keeper_client.post(DEFINE, {**PERMITS, "json_schema": "{nope"})
    assert page.status_code == 400 and "not valid JSON" in page.content.decode()
    assert not Register.objects.filter(code="permits").exists()


def test_staff_without_the_keeper_role_cannot_define_registers(org, register):
    from govdoor.registries.models import Register

    client = signed_in(keeper_user(org, role="caseworker"))
    assert client.get(DEFINE).status_code == 403
    assert client.post(DEFINE, PERMITS).status_code == 403
    assert not Register.objects.filter(code="permits").exists()
