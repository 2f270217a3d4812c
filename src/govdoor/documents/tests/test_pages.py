"""The portal page /my/documents/, the person's download and the staff download."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govdoor.documents.models import Document
from govdoor.documents.services import document_share_with_organisation, document_upload
from govdoor.documents.tests.conftest import EICAR_TEXT, ELF, PDF, PNG, stored_files
from govdoor.identity.decorators import SESSION_ACTING_FOR
from govdoor.identity.services import user_for_person
from govdoor.identity.testing import sign_in_staff
from govdoor.identity.tests.factories import MandateFactory, PersonFactory
from govdoor.ledger.selectors import data_uses_queryset

pytestmark = pytest.mark.django_db

MINE = "/my/documents/"


@pytest.fixture
def person_client(client, owner_user, sign_in_person):
    return sign_in_person(client, owner_user)


@pytest.fixture
def document(owner, owner_user):
    return document_upload(
        owner_person_id=owner.pk, uploaded_by=owner_user, filename="payslip.pdf", content=PDF
    )


def post_file(client, name: str, content: bytes, **extra):
    return client.post(MINE, {"file": SimpleUploadedFile(name, content)}, **extra)


def test_the_page_needs_a_signed_in_person(client):
    response = client.get(MINE)
    assert response.status_code == 302
    assert reverse("identity:sign-in") in response["Location"]


def test_the_page_lists_my_documents_with_an_accessible_upload_field(
    person_client, document, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = person_client.get(MINE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "payslip.pdf" in html
    assert reverse("documents:download", args=[document.pk]) in html
    assert 'enctype="multipart/form-data"' in html
    assert 'class="govuk-file-upload"' in html
    assert 'aria-describedby="id_file-hint"' in html
    assert 'for="id_file"' in html


def test_the_list_is_paginated_and_the_query_count_does_not_grow_with_it(
    person_client, owner, owner_user, django_assert_max_num_queries, settings
):
    for n in range(30):
        document_upload(
            owner_person_id=owner.pk, uploaded_by=owner_user, filename=f"f{n}.pdf", content=PDF
        )

    with django_assert_max_num_queries(12):
        response = person_client.get(MINE)

    html = response.content.decode()
    assert html.count("govuk-table__row") == 26  # header + 25
    assert "?page=2" in html
    assert person_client.get(MINE + "?page=2").content.decode().count("govuk-table__row") == 6


def test_uploading_a_file_stores_it_and_says_so(person_client, owner, documents_dir):
    response = post_file(person_client, "photo.png", PNG, follow=True)

    assert response.status_code == 200
    document = Document.objects.get()
    assert document.owner_person_id == owner.pk
    assert "photo.png has been uploaded" in response.content.decode()
    assert len(stored_files(documents_dir)) == 1


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("x.pdf", ELF, 415, "The file must be a PDF, PNG, JPEG, HEIC or WebP."),
        ("certificate.pdf", PNG, 415, "The file is a PNG but its name ends in .pdf"),
        ("virus.pdf", PDF + EICAR_TEXT, 422, "The file contains a virus"),
    ],
    ids=["executable", "png-named-pdf", "eicar"],
)
def test_a_refused_file_shows_the_error_in_the_summary_and_at_the_field(
    person_client, documents_dir, name, content, status, message
):
    response = post_file(person_client, name, content)

    html = response.content.decode()
    assert response.status_code == status
    assert "govuk-error-summary" in html
    assert 'href="#id_file"' in html
    assert 'id="id_file-error"' in html
    assert html.count(message) == 2  # summary and field
    assert "<title>Error:" in html
    assert Document.objects.count() == 0
    assert stored_files(documents_dir) == []


def test_submitting_without_a_file_asks_for_one(person_client):
    response = person_client.post(MINE, {})

    assert response.status_code == 400
    assert "Select a file to upload." in response.content.decode()


def test_a_file_over_the_limit_is_not_buffered_and_is_refused_as_too_large(
    person_client, settings, documents_dir
):
    settings.GOVDOOR_DOCUMENTS_MAX_BYTES = 1024 * 1024

    response = post_file(person_client, "big.pdf", PDF + b"0" * (3 * 1024 * 1024))

    assert response.status_code == 413
    assert "The file must be smaller than 1 MB." in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(documents_dir) == []


def test_a_file_just_over_the_limit_in_a_small_request_is_refused_by_the_handler(
    person_client, settings
):
    settings.GOVDOOR_DOCUMENTS_MAX_BYTES = 1000

    response = post_file(person_client, "big.pdf", PDF + b"0" * 1200)

    assert response.status_code == 413


def test_the_upload_form_is_protected_against_cross_site_posts(owner_user, sign_in_person):
    from django.test import Client

    client = sign_in_person(Client(enforce_csrf_checks=True), owner_user)

    response = post_file(client, "photo.png", PNG)

    assert response.status_code == 403
    assert Document.objects.count() == 0


def test_the_owner_downloads_the_file_as_an_attachment_never_cached_or_sniffed(
    person_client, document
):
    response = person_client.get(reverse("documents:download", args=[document.pk]))

    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="payslip.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_name_with_non_ascii_characters_is_encoded_safely(person_client, owner, owner_user):
    document = document_upload(
        owner_person_id=owner.pk,
        uploaded_by=owner_user,
        filename='relevé "final";.pdf',
        content=PDF,
    )

    response = person_client.get(reverse("documents:download", args=[document.pk]))

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert '"final"' not in disposition and ";." not in disposition.split("''", 1)[1]


def test_another_person_downloading_gets_404(client, document, stranger_user, sign_in_person):
    sign_in_person(client, stranger_user)

    response = client.get(reverse("documents:download", args=[document.pk]))

    assert response.status_code == 404


def test_a_representative_acting_for_the_owner_sees_and_downloads_their_documents(
    client, owner, document, sign_in_person
):
    representative = PersonFactory()
    mandate = MandateFactory(representative=representative, represented_person=owner)
    sign_in_person(client, user_for_person(person=representative))
    session = client.session
    session[SESSION_ACTING_FOR] = str(mandate.pk)
    session.save()

    page = client.get(MINE)
    response = client.get(reverse("documents:download", args=[document.pk]))

    assert "payslip.pdf" in page.content.decode()
    assert response.status_code == 200
    assert response.content == PDF


def test_a_representative_uploads_for_the_person_they_act_for(client, owner, sign_in_person):
    representative = PersonFactory()
    mandate = MandateFactory(representative=representative, represented_person=owner)
    user = user_for_person(person=representative)
    sign_in_person(client, user)
    session = client.session
    session[SESSION_ACTING_FOR] = str(mandate.pk)
    session.save()

    post_file(client, "scan.pdf", PDF)

    document = Document.objects.get()
    assert document.owner_person_id == owner.pk
    assert document.uploaded_by == user


def test_staff_of_the_shared_organisation_download_and_the_download_is_ledgered(
    client, owner, document, case_worker, town
):
    document_share_with_organisation(document=document, organisation=town, case_id=uuid.uuid4())
    sign_in_staff(client, case_worker)

    response = client.get(reverse("documents:bo-download", args=[document.pk]))

    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Disposition"].startswith("attachment")
    (record,) = [json.loads(r.body) for r in data_uses_queryset([str(owner.pk)])]
    assert record["actor"]["org"] == "town"
    assert record["fields"] == ["document"]


def test_staff_of_another_organisation_get_404_and_nothing_is_ledgered(
    client, owner, document, other_worker, town
):
    document_share_with_organisation(document=document, organisation=town, case_id=uuid.uuid4())
    sign_in_staff(client, other_worker)

    response = client.get(reverse("documents:bo-download", args=[document.pk]))

    assert response.status_code == 404
    assert not data_uses_queryset([str(owner.pk)]).exists()


def test_the_staff_download_needs_a_verified_staff_sign_in(client, document, case_worker):
    client.force_login(case_worker, backend="django.contrib.auth.backends.ModelBackend")

    response = client.get(reverse("documents:bo-download", args=[document.pk]))

    assert response.status_code == 302
    assert reverse("identity:staff-sign-in") in response["Location"]
