"""Uploads, corrections of register values, and a form that changed while a draft was open."""

from __future__ import annotations

import copy
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govdoor.applications import services
from govdoor.applications.models import Draft, Submission
from govdoor.applications.tests.conftest import PARKING_FORM
from govdoor.documents.selectors import documents_for_case, documents_of_person
from govdoor.registries.models import CorrectionRequest

START = "/services/riverton-parking/apply/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_documents(settings, tmp_path):
    settings.GOVDOOR_DOCUMENTS_DIR = str(tmp_path / "documents")


def _base(client):
    return client.post(START)["Location"].rsplit("/", 2)[0] + "/"


def test_an_uploaded_file_is_stored_as_the_persons_document_and_shared_with_the_case(
    parking, resident, person_client
):
    client = person_client(resident)
    base = _base(client)
    client.post(base + "vehicle/", {"zone": "A", "disabled": "yes"})
    upload = SimpleUploadedFile("badge.pdf", PDF, content_type="application/pdf")
    response = client.post(base + "badge/", {"badge_number": "123456", "badge_scan": upload})
    assert response["Location"] == base + "contact/"
    document = documents_of_person(person_id=resident.pk).get()
    assert Draft.objects.get().state_get()["answers"]["badge_scan"] == [str(document.pk)]
    contact = {"email": "a@example.org", "start_on-day": "2", "start_on-month": "1",
               "start_on-year": "2027"}  # fmt: skip
    client.post(base + "contact/", contact)
    token = re.search(r'name="idempotency_key" value="([^"]+)"',
                      client.get(base + "review/").content.decode()).group(1)  # fmt: skip
    client.post(base + "send/", {"idempotency_key": token})
    submission = Submission.objects.get()
    assert submission.document_ids == [str(document.pk)]
    assert list(documents_for_case(case_id=submission.case_id)) == [document]


def test_a_file_of_the_wrong_type_is_refused_next_to_its_field_and_nothing_kept(
    parking, resident, person_client
):
    client = person_client(resident)
    base = _base(client)
    client.post(base + "vehicle/", {"zone": "A", "disabled": "yes"})
    upload = SimpleUploadedFile(
        "badge.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client.post(base + "badge/", {"badge_number": "123456", "badge_scan": upload})
    html = response.content.decode()
    assert response.status_code == 200 and 'href="#field-badge_scan-input">' in html
    assert 'value="123456"' in html
    assert not documents_of_person(person_id=resident.pk).exists()


def test_saying_a_register_value_is_wrong_asks_the_keeper_and_shows_the_request(
    parking, resident, person_client
):
    client = person_client(resident)
    base = _base(client)
    empty = client.post(base + "correct/street/", {"street": ""})
    assert "Enter the correct value" in empty.content.decode()
    done = client.post(base + "correct/street/?from=page", {"street": "Quay Street 6",
                                                            "explanation": "I moved"})  # fmt: skip
    assert done["Location"] == base + "you/"
    correction = CorrectionRequest.objects.get()
    assert correction.explanation == "I moved" and correction.status == "open"
    page = client.get(base + "you/").content.decode()
    assert "Correction requested" in page and "Quay Street 6" in page and "Quay Street 4" in page
    review = client.get(base + "review/").content.decode()
    assert "Correction requested" in review


def test_a_draft_follows_a_newer_version_keeping_the_answers_that_fit_and_says_what_changed(
    parking, resident, person_client
):
    client = person_client(resident)
    base = _base(client)
    client.post(base + "vehicle/", {"zone": "B", "disabled": "no"})
    client.post(base + "contact/", {"email": "a@example.org"})
    newer = copy.deepcopy(PARKING_FORM)
    vehicle = newer["pages"][1]["fields"]
    vehicle[1]["options"] = [{"value": "C", "label": {"en": "Zone C"}}]  # B no longer exists
    newer["pages"][3]["fields"][0] = {"name": "phone", "type": "phone", "label": {"en": "Phone"}}
    services.form_draft_save(service=parking, definition=newer, check=False)
    services.form_publish(service=parking, check=False)
    response = client.get(base + "vehicle/")
    assert response["Location"] == base + "changes/"
    html = client.get(base + "changes/").content.decode()
    assert "New questions" in html and "Phone" in html
    assert "Questions no longer asked" in html and "Email" in html
    assert "Answers you need to give again" in html and "Zone" in html
    assert client.post(base + "changes/")["Location"] == base + "review/"
    draft = Draft.objects.get()
    assert draft.version.number == 2
    assert draft.state_get()["answers"] == {"disabled": False, "monthly_rent": None}
    assert draft.state_get()["prefill"]["plate"]["value"] == "RV-123"
    assert client.get(base + "vehicle/").status_code == 200
