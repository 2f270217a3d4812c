"""The documents API: agency reads of shared documents, a person's list and upload."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govdoor.documents.models import Document
from govdoor.documents.services import document_share_with_organisation, document_upload
from govdoor.documents.tests.conftest import EICAR_TEXT, ELF, PDF, PNG
from govdoor.identity.testing import agency_access_token, sign_in_staff
from govdoor.ledger.selectors import data_uses_queryset

pytestmark = pytest.mark.django_db

CASE = uuid.UUID("01900000-0000-7000-8000-0000000000aa")


@pytest.fixture
def document(owner, owner_user):
    return document_upload(
        owner_person_id=owner.pk, uploaded_by=owner_user, filename="payslip.pdf", content=PDF
    )


@pytest.fixture
def shared(document, town):
    document_share_with_organisation(document=document, organisation=town, case_id=CASE)
    return document


def bearer(organisation, scope="documents:read"):
    token = agency_access_token(organisation=organisation, scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def records(person):
    return [json.loads(r.body) for r in data_uses_queryset([str(person.pk)])]


def test_an_agency_reads_the_metadata_of_a_shared_document_and_it_is_ledgered(
    client, owner, town, shared
):
    response = client.get(f"/api/v1/documents/{shared.pk}", **bearer(town))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(shared.pk)
    assert body["filename"] == "payslip.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF)
    assert body["sha256"] == shared.sha256
    assert body["owner_person_id"] == str(owner.pk)
    (record,) = records(owner)
    assert record["actor"] == {"org": "town", "user": None}
    assert record["fields"] == ["document_metadata"]


def test_an_agency_downloads_the_content_and_it_is_ledgered(client, owner, town, shared):
    response = client.get(f"/api/v1/documents/{shared.pk}/content", **bearer(town))

    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert [r["fields"] for r in records(owner)] == [["document"]]


def test_an_agency_it_was_not_shared_with_gets_404_problem_json(client, owner, other_org, shared):
    for path in (f"/api/v1/documents/{shared.pk}", f"/api/v1/documents/{shared.pk}/content"):
        response = client.get(path, **bearer(other_org))
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    assert records(owner) == []


def test_an_unknown_document_is_404(client, town):
    response = client.get(f"/api/v1/documents/{uuid.uuid4()}", **bearer(town))
    assert response.status_code == 404


def test_a_token_without_the_documents_scope_is_refused(client, town, shared):
    response = client.get(f"/api/v1/documents/{shared.pk}", **bearer(town, scope="exchange"))

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_no_credentials_is_refused(client, shared):
    assert client.get(f"/api/v1/documents/{shared.pk}").status_code in (401, 403)


def test_staff_of_the_shared_organisation_read_through_the_api_as_themselves(
    client, owner, case_worker, shared
):
    sign_in_staff(client, case_worker)

    response = client.get(f"/api/v1/documents/{shared.pk}/content")

    assert response.status_code == 200
    assert records(owner)[0]["actor"] == {"org": "town", "user": str(case_worker.pk)}


def test_a_person_lists_their_documents_with_a_bounded_number_of_queries(
    client, owner, owner_user, sign_in_person, django_assert_max_num_queries
):
    for n in range(8):
        document_upload(
            owner_person_id=owner.pk, uploaded_by=owner_user, filename=f"d{n}.png", content=PNG
        )
    sign_in_person(client, owner_user)

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/me/documents?page_size=5")

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 8
    assert len(body["results"]) == 5
    assert body["results"][0]["filename"] == "d7.png"


def test_a_person_does_not_see_someone_elses_documents(
    client, document, stranger_user, sign_in_person
):
    sign_in_person(client, stranger_user)

    assert client.get("/api/v1/me/documents").json()["count"] == 0


def test_a_person_uploads_through_the_api(client, owner, owner_user, sign_in_person):
    sign_in_person(client, owner_user)

    response = client.post(
        "/api/v1/me/documents",
        {"file": SimpleUploadedFile("photo.png", PNG), "purpose": "proof-of-address"},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["content_type"] == "image/png"
    assert body["purpose"] == "proof-of-address"
    assert Document.objects.get().owner_person_id == owner.pk


@pytest.mark.parametrize(
    ("name", "content", "status", "problem"),
    [
        ("x.pdf", ELF, 415, "file-type-refused"),
        ("x.pdf", PNG, 415, "file-type-refused"),
        ("x.pdf", PDF + EICAR_TEXT, 422, "file-infected"),
    ],
    ids=["executable", "png-named-pdf", "eicar"],
)
def test_a_refused_upload_is_problem_json_naming_the_file_field(
    client, owner_user, sign_in_person, name, content, status, problem
):
    sign_in_person(client, owner_user)

    response = client.post("/api/v1/me/documents", {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith(problem)
    assert body["errors"][0]["field"] == "file"
    assert Document.objects.count() == 0


def test_an_upload_over_the_limit_is_413_and_nothing_is_stored(
    client, owner_user, sign_in_person, settings, documents_dir
):
    settings.GOVDOOR_DOCUMENTS_MAX_BYTES = 1024 * 1024
    sign_in_person(client, owner_user)

    response = client.post(
        "/api/v1/me/documents",
        {"file": SimpleUploadedFile("big.pdf", PDF + b"0" * (2 * 1024 * 1024))},
    )

    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "file"
    assert Document.objects.count() == 0


def test_an_upload_without_a_file_names_the_file_field(client, owner_user, sign_in_person):
    sign_in_person(client, owner_user)

    response = client.post("/api/v1/me/documents", {"purpose": "x"})

    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "file", "detail": "Select a file to upload."}]


def test_a_too_long_purpose_names_the_purpose_field(client, owner_user, sign_in_person):
    sign_in_person(client, owner_user)

    response = client.post(
        "/api/v1/me/documents",
        {"file": SimpleUploadedFile("a.pdf", PDF), "purpose": "x" * 101},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "purpose"


def test_staff_without_a_person_have_no_documents_of_their_own(client, case_worker):
    sign_in_staff(client, case_worker)

    assert client.get("/api/v1/me/documents").status_code == 404
