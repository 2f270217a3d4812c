import datetime as dt

import pytest
from rest_framework.test import APIClient

from govdoor.core.errors import Conflict, Refused
from govdoor.identity.models import Address, FamilyLink
from govdoor.organisations.models import Area
from govdoor.registries import selectors, services
from govdoor.registries.demo import demo_registers_load
from govdoor.registries.models import CorrectionRequest, Record, Register
from govdoor.registries.tests.factories import (
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    keeper_caller,
    keeper_user,
    vehicle,
)


@pytest.fixture
def citizen(db):
    person = PersonFactory()
    return UserFactory(person=person)


@pytest.fixture
def own_record(register, keeper, citizen):
    return services.record_create(
        register=register, data=vehicle(1, owner_id=str(citizen.person_id)), actor=keeper
    )


def test_an_accepted_correction_becomes_a_new_version(own_record, citizen, keeper):
    correction = services.correction_request_create(
        record=own_record, user=citizen, proposed={"make": "Saab"}, explanation="I drive a Saab"
    )
    assert list(selectors.corrections_open(register=own_record.register)) == [correction]
    services.correction_request_decide(
        correction=correction, accept=True, actor=keeper, note="checked papers"
    )
    record = Record.objects.get(pk=own_record.pk)
    assert record.data["make"] == "Saab" and record.version == 2
    last = record.versions.order_by("-version").first()
    assert last.operation == "correction" and "checked papers" in last.reason
    with pytest.raises(Conflict):
        services.correction_request_decide(correction=correction, accept=True, actor=keeper)


def test_a_rejected_correction_changes_nothing(own_record, citizen, keeper):
    correction = services.correction_request_create(
        record=own_record, user=citizen, proposed={"make": "Saab"}
    )
    services.correction_request_decide(correction=correction, accept=False, actor=keeper)
    assert Record.objects.get(pk=own_record.pk).version == 1
    assert CorrectionRequest.objects.get().status == "rejected"


def test_a_person_cannot_ask_to_correct_someone_elses_record(register, keeper):
    other = UserFactory(person=PersonFactory())
    record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    with pytest.raises(Refused):
        services.correction_request_create(record=record, user=other, proposed={"make": "X"})


def test_only_the_keeper_decides_corrections(own_record, citizen, other_org):
    correction = services.correction_request_create(
        record=own_record, user=citizen, proposed={"make": "Saab"}
    )
    with pytest.raises(Refused):
        services.correction_request_decide(
            correction=correction, accept=True, actor=keeper_caller(other_org)
        )


def test_the_correction_flow_over_http(own_record, citizen, org):
    base = "/api/v1/registers/vehicles/1.0"
    person = APIClient()
    person.force_authenticate(citizen)
    response = person.post(
        f"{base}/records/{own_record.pk}/corrections", {"proposed": {"year": 1800}}, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "/year"
    created = person.post(
        f"{base}/records/{own_record.pk}/corrections", {"proposed": {"year": 2001}}, format="json"
    )
    assert created.status_code == 201
    assert person.get(f"{base}/corrections").status_code == 403
    keeper = APIClient()
    keeper.force_authenticate(keeper_user(org))
    tasks = keeper.get(f"{base}/corrections").json()
    assert tasks["count"] == 1 and tasks["results"][0]["fields"] == ["year"]
    decided = keeper.post(
        f"{base}/corrections/{created.json()['id']}/decision", {"accept": True}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["status"] == "accepted"
    assert Record.objects.get(pk=own_record.pk).data["year"] == 2001


def test_another_persons_record_answers_404_to_a_correction(register, keeper):
    record = services.record_create(register=register, data=vehicle(1), actor=keeper)
    person = APIClient()
    person.force_authenticate(UserFactory(person=PersonFactory()))
    response = person.post(
        f"/api/v1/registers/vehicles/1.0/records/{record.pk}/corrections",
        {"proposed": {"year": 2001}},
        format="json",
    )
    assert response.status_code == 404


@pytest.fixture
def small_country(db):
    area = Area.objects.create(code="demopolis", name="Demopolis", kind="municipality")
    for code in ("civil-registry", "business-registry", "transport", "demopolis"):
        OrganisationFactory(code=code, name=code.title())
    people = [PersonFactory(birth_date=dt.date(1970 + n, 1, 1)) for n in range(6)]
    for person in people:
        Address.objects.create(
            person=person,
            street="Main St",
            house_number="1",
            postcode="1000",
            town="Demopolis",
            municipality=area,
            valid_from=dt.date(2000, 1, 1),
        )
    FamilyLink.objects.create(person=people[0], relative=people[1], kind="parent")
    return people


def test_demo_registers_load_is_idempotent_and_fills_population(small_country):
    first = demo_registers_load(progress=False)
    assert first["population"] == 6 and first["vehicles"] == 2 and first["parking-permits"] == 2
    assert set(Register.objects.values_list("code", flat=True)) == {
        "population",
        "addresses",
        "businesses",
        "vehicles",
        "property",
        "parking-permits",
    }
    again = demo_registers_load(progress=False)
    assert set(again.values()) == {0}
    civil = keeper_caller(Register.objects.get(code="population").organisation)
    address = selectors.current_address(person_id=small_country[1].pk, caller=civil)
    assert address == {
        "street": "Main St",
        "house_number": "1",
        "postcode": "1000",
        "town": "Demopolis",
        "municipality": "demopolis",
    }
    found = selectors.records_search(
        register=Register.objects.get(code="population"),
        exact={"national_id": small_country[1].national_id},
    )
    row = selectors.record_read_for(record=found.get(), caller=civil)
    assert row["parents"] == [str(small_country[0].pk)]
