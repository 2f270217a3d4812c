from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from govdoor.cases.handlers import cases_reroute, on_address_changed
from govdoor.cases.models import Case, CaseEvent, CaseStatus
from govdoor.cases.services import case_open, case_route
from govdoor.cases.tests.factories import answers, move, open_case, person_living_in
from govdoor.cases.workflow import add_business_days
from govdoor.core import clock
from govdoor.core.errors import Conflict, DomainError
from govdoor.core.models import OutboxEvent
from govdoor.identity.tests.factories import BusinessFactory, PersonFactory
from govdoor.messaging.models import Message

pytestmark = pytest.mark.django_db


def test_a_local_service_goes_to_the_applicants_own_municipality(
    country: dict[str, Any], parking: dict[str, Any]
) -> None:
    person = person_living_in(country["hillside"])
    # Applied from Riverton's page: the competent one is Hillside's own permit.
    case = open_case(parking["riverton"], person)
    assert case.organisation == country["hillside_org"]
    assert case.service == parking["hillside"]
    assert case.status == CaseStatus.SUBMITTED


def test_a_central_service_goes_to_its_central_agency(
    country: dict[str, Any], tax_service: Any, applicant: Any
) -> None:
    case = open_case(tax_service, applicant)
    assert case.organisation == country["tax"]
    assert case.reference.startswith(f"GD-{clock.now().year}-")


def test_a_case_without_a_competent_organisation_goes_to_central_triage(
    country: dict[str, Any], parking: dict[str, Any]
) -> None:
    # South has no council in the test country: nobody local is competent.
    from govdoor.organisations.tests.factories import AreaFactory

    southville = AreaFactory(code="DL-S-01", name="Southville", parent=country["south"])
    case = open_case(parking["riverton"], person_living_in(southville))
    assert case.status == CaseStatus.TRIAGE
    assert case.organisation == country["government"]
    opened = case.events.get(kind=CaseEvent.Kind.OPENED)
    assert "triage" in opened.note


def test_a_person_without_an_address_goes_to_triage_never_nowhere(
    country: dict[str, Any], parking: dict[str, Any]
) -> None:
    case = open_case(parking["riverton"], PersonFactory())
    assert (case.status, case.organisation) == (CaseStatus.TRIAGE, country["government"])


def test_triage_staff_route_a_case_and_it_starts_as_submitted(
    country: dict[str, Any], parking: dict[str, Any]
) -> None:
    case = open_case(parking["riverton"], PersonFactory())
    case_route(case=case, organisation=country["riverton_org"], routed_by=None, note="Lives there")
    case.refresh_from_db()
    assert (case.status, case.organisation) == (CaseStatus.SUBMITTED, country["riverton_org"])
    assert case.events.filter(kind=CaseEvent.Kind.ROUTED).exists()
    with pytest.raises(Conflict):
        case_route(case=case, organisation=country["hillside_org"], routed_by=None)


def test_opening_twice_with_the_same_source_reference_returns_the_first_case(
    tax_service: Any, applicant: Any
) -> None:
    first = open_case(tax_service, applicant, source_ref="submission-1")
    again = open_case(tax_service, applicant, source_ref="submission-1")
    assert again.pk == first.pk
    assert Case.objects.count() == 1
    assert Message.objects.filter(case_ref=first.reference).count() == 1


def test_references_are_sequential_per_year(tax_service: Any, applicant: Any) -> None:
    a = open_case(tax_service, applicant)
    b = open_case(tax_service, applicant)
    assert int(b.reference[-6:]) == int(a.reference[-6:]) + 1


def test_opening_sends_a_receipt_to_the_mailbox_and_publishes_an_event(
    tax_service: Any, applicant: Any
) -> None:
    case = open_case(tax_service, applicant)
    message = Message.objects.get(case_ref=case.reference)
    assert message.person == applicant
    assert message.message_type.code == "case-receipt"
    assert case.reference in message.subject
    event = OutboxEvent.objects.get(topic="cases.case_opened")
    assert event.payload == {"case_id": str(case.pk)}
    assert case.events.filter(kind=CaseEvent.Kind.LETTER).exists()


def test_a_business_case_reaches_the_business_municipality(
    country: dict[str, Any], parking: dict[str, Any]
) -> None:
    business = BusinessFactory(municipality=country["riverton"])
    case = open_case(parking["hillside"], None, business=business)
    assert case.organisation == country["riverton_org"]


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("source", {"source": "fax"}),
        ("source_ref", {"source_ref": ""}),
        ("applicant", {"applicant": None}),
        ("answers.income", {"answers": {"income": 100}}),
        ("answers.income", {"answers": {"income": {"value": 100, "source": {}}}}),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    tax_service: Any, applicant: Any, field: str, kwargs: dict[str, Any]
) -> None:
    params: dict[str, Any] = {
        "service": tax_service,
        "applicant": applicant,
        "opened_by": None,
        "source": "application",
        "source_ref": "x-1",
        "answers": answers(a=1),
    }
    params.update(kwargs)
    with pytest.raises(DomainError) as error:
        case_open(**params)
    assert error.value.field == field
    assert not Case.objects.exists()


def test_answers_keep_their_register_sources(tax_service: Any, applicant: Any) -> None:
    source = {
        "register": "population",
        "version": "1",
        "field": "street",
        "changed_at": "2026-03-01",
    }
    case = open_case(
        tax_service, applicant, answers={"street": {"value": "Main Street", "source": source}}
    )
    case.refresh_from_db()
    assert case.answers["street"]["source"] == source


def test_due_date_counts_business_days_from_opening(tax_service: Any, applicant: Any) -> None:
    friday_evening = dt.datetime(2026, 11, 27, 18, 0, tzinfo=dt.UTC)
    with clock.frozen_at(friday_evening):
        case = open_case(tax_service, applicant)  # 10 business days
    assert case.due_at == dt.datetime(2026, 12, 11, 18, 0, tzinfo=dt.UTC)
    assert add_business_days(friday_evening, 1).weekday() == 0  # Monday


def test_a_move_between_municipalities_transfers_the_open_local_case(
    country: dict[str, Any], parking: dict[str, Any], applicant: Any, tax_service: Any
) -> None:
    local = open_case(parking["riverton"], applicant)
    central = open_case(tax_service, applicant)
    move(applicant, country["hillside"])
    assert cases_reroute(person=applicant, area=country["hillside"]) == 1
    local.refresh_from_db()
    central.refresh_from_db()
    assert local.organisation == country["hillside_org"]
    assert local.service == parking["hillside"]
    assert central.organisation == country["tax"]
    routed = local.events.get(kind=CaseEvent.Kind.ROUTED)
    assert "moved" in routed.note


def test_the_address_change_event_reroutes_from_the_identity_address_without_a_register(
    country: dict[str, Any], parking: dict[str, Any], applicant: Any
) -> None:
    case = open_case(parking["riverton"], applicant)
    move(applicant, country["hillside"])
    event = OutboxEvent.objects.create(
        topic="population.address_changed",
        payload={"subject_id": str(applicant.pk), "fields": ["municipality"]},
        occurred_at=clock.now(),
    )
    on_address_changed(event)
    case.refresh_from_db()
    assert case.organisation == country["hillside_org"]


def test_a_decided_case_does_not_move_with_the_applicant(
    country: dict[str, Any], parking: dict[str, Any], applicant: Any
) -> None:
    from govdoor.cases.services import case_decide

    case = open_case(parking["riverton"], applicant)
    case_decide(case=case, outcome="granted", reason="Fine", decided_by=None)
    move(applicant, country["hillside"])
    assert cases_reroute(person=applicant, area=country["hillside"]) == 0
    case.refresh_from_db()
    assert case.organisation == country["riverton_org"]


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def documents_dir(settings: Any, tmp_path: Any) -> Any:
    settings.GOVDOOR_DOCUMENTS_DIR = str(tmp_path / "documents")
    settings.GOVDOOR_DOCUMENTS_SCANNER = "demo"
    return tmp_path


def test_the_applicants_documents_are_shared_with_the_handling_organisation(
    country: dict[str, Any], parking: dict[str, Any], applicant: Any, documents_dir: Any
) -> None:
    from govdoor.documents.selectors import documents_for_case, documents_shared_with
    from govdoor.documents.services import document_upload
    from govdoor.identity.services import user_for_person

    user = user_for_person(person=applicant)
    document = document_upload(
        owner_person_id=applicant.pk, uploaded_by=user, filename="lease.pdf", content=PDF
    )
    case = open_case(parking["riverton"], applicant, opened_by=user, document_ids=[document.pk])
    assert list(documents_for_case(case_id=case.pk)) == [document]
    move(applicant, country["hillside"])
    cases_reroute(person=applicant, area=country["hillside"])
    shared = documents_shared_with(organisation=country["hillside_org"], case_id=case.pk)
    assert list(shared) == [document]


def test_someone_elses_document_cannot_be_attached(
    parking: dict[str, Any], applicant: Any, country: dict[str, Any], documents_dir: Any
) -> None:
    from govdoor.documents.services import document_upload
    from govdoor.identity.services import user_for_person

    other = person_living_in(country["riverton"])
    document = document_upload(
        owner_person_id=other.pk,
        uploaded_by=user_for_person(person=other),
        filename="theirs.pdf",
        content=PDF,
    )
    with pytest.raises(DomainError) as error:
        open_case(parking["riverton"], applicant, document_ids=[document.pk])
    assert error.value.field == "document_ids"
    assert not Case.objects.exists()
