"""Ask only once: register values fill the form through the exchange, with their source."""

from __future__ import annotations

from govdoor.applications import filling, selectors
from govdoor.applications.selectors import Subject
from govdoor.exchange.models import DataRequest
from govdoor.exchange.services import objection_create
from govdoor.ledger.models import Entry as LedgerEntry
from govdoor.registries.models import CorrectionRequest


def _start(parking, person):
    from govdoor.identity.services import user_for_person

    user = user_for_person(person=person)
    return filling.draft_start(
        service=parking, user=user, subject=Subject(kind="person", id=person.pk)
    ), user


def test_prefill_keeps_the_register_each_value_came_from(parking, resident):
    draft, _user = _start(parking, resident)
    state = draft.state_get()
    assert state["prefill"]["given_name"]["value"] == resident.given_name
    assert state["prefill"]["street"]["value"] == "Quay Street 4"
    assert state["prefill"]["plate"]["value"] == "RV-123"
    source = state["prefill"]["plate"]["source"]
    assert source["register"] == "vehicles" and source["field"] == "plate"
    assert source["record_version"] == 1 and source["changed_at"]
    assert source["purpose"] == "parking-permit"


def test_each_register_is_asked_once_by_the_service_owner_and_ledgered(parking, resident):
    _start(parking, resident)
    requests = DataRequest.objects.order_by("purpose_code", "fields")
    assert [(r.requester.code, r.status) for r in requests] == [
        ("riverton", "answered"),
        ("riverton", "answered"),
    ]
    assert sorted(r.fields[0].split(".")[0] for r in requests) == ["population", "vehicles"]
    assert LedgerEntry.objects.filter(subject_ref=str(resident.pk)).count() == 2


def test_an_objection_leaves_the_fields_to_be_asked_with_the_reason(parking, resident):
    objection_create(person=resident, register_code="vehicles")
    draft, _user = _start(parking, resident)
    state = draft.state_get()
    assert "plate" not in state["prefill"]
    assert state["refused"]["plate"] == "The person has objected to this disclosure."
    assert state["prefill"]["given_name"]["value"] == resident.given_name


def test_a_register_without_a_record_about_the_person_leaves_the_field_open(
    country, registers, parking
):
    from govdoor.applications.tests.conftest import resident_of

    person = resident_of(country, registers)  # no vehicle
    draft, _user = _start(parking, person)
    assert "has no record about you" in draft.state_get()["refused"]["plate"]


def test_starting_again_resumes_the_open_draft_without_asking_the_registers_again(
    parking, resident
):
    first, _user = _start(parking, resident)
    again, _user = _start(parking, resident)
    assert again.pk == first.pk
    assert DataRequest.objects.count() == 2


def test_a_correction_request_goes_to_the_keeper_and_the_answer_keeps_both(parking, resident):
    draft, user = _start(parking, resident)
    request_id = filling.draft_correction_request(
        draft=draft, field_name="street", proposed="Quay Street 6", explanation="moved", user=user
    )
    correction = CorrectionRequest.objects.get(pk=request_id)
    assert correction.record.register.code == "population"
    assert correction.status == "open"
    answers, _documents = filling.answers_with_sources(selectors.draft_open(
        form=draft.form, subject=Subject(kind="person", id=resident.pk)
    ))  # fmt: skip
    assert answers["street"]["value"] == "Quay Street 4"
    assert answers["street"]["source"]["register"] == "population"
    assert answers["street"]["correction"] == {
        "request_id": request_id,
        "proposed": "Quay Street 6",
    }


def test_typing_over_a_prefilled_value_changes_nothing(parking, resident):
    draft, _user = _start(parking, resident)
    filling.draft_page_save(draft=draft, values={"street": "Elsewhere 1"})
    state = draft.state_get()
    assert "street" not in state["answers"]
    assert state["prefill"]["street"]["value"] == "Quay Street 4"
