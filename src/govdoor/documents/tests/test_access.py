"""Who may open a document: the access matrix through the service, and the ledger entries."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from govdoor.core.errors import DomainError, NotFound, Unavailable
from govdoor.documents.models import DocumentShare
from govdoor.documents.selectors import documents_for_case, documents_of_person
from govdoor.documents.services import (
    document_open,
    document_open_for_agency,
    document_share_with_organisation,
    document_upload,
)
from govdoor.documents.tests.conftest import PDF, PNG
from govdoor.identity.services import user_for_person
from govdoor.identity.tests.factories import MandateFactory, PersonFactory
from govdoor.ledger.selectors import data_uses_queryset

pytestmark = pytest.mark.django_db

CASE = uuid.UUID("01900000-0000-7000-8000-000000000001")


@pytest.fixture
def document(owner, owner_user):
    return document_upload(
        owner_person_id=owner.pk, uploaded_by=owner_user, filename="payslip.pdf", content=PDF
    )


@pytest.fixture
def shared(document, town):
    document_share_with_organisation(document=document, organisation=town, case_id=CASE)
    return document


def ledger_records(person):
    return [json.loads(r.body) for r in data_uses_queryset([str(person.pk)])]


def test_the_owner_opens_their_document_and_it_is_not_ledgered(owner, owner_user, document):
    opened, content = document_open(document_id=document.pk, user=owner_user, acting_person_id=None)

    assert opened == document
    assert content == PDF
    assert ledger_records(owner) == []


def test_a_mandate_holder_acting_for_the_owner_opens_the_document(owner, document):
    representative = PersonFactory()
    MandateFactory(representative=representative, represented_person=owner)
    user = user_for_person(person=representative)

    _, content = document_open(document_id=document.pk, user=user, acting_person_id=owner.pk)

    assert content == PDF


def test_a_mandate_holder_not_acting_for_the_owner_gets_not_found(owner, document):
    representative = PersonFactory()
    MandateFactory(representative=representative, represented_person=owner)
    user = user_for_person(person=representative)

    with pytest.raises(NotFound):
        document_open(document_id=document.pk, user=user, acting_person_id=None)


def test_someone_claiming_to_act_for_the_owner_without_a_mandate_gets_not_found(
    owner, stranger_user, document
):
    with pytest.raises(NotFound):
        document_open(document_id=document.pk, user=stranger_user, acting_person_id=owner.pk)


def test_a_revoked_or_expired_mandate_no_longer_opens_the_document(owner, document):
    representative = PersonFactory()
    MandateFactory(
        representative=representative,
        represented_person=owner,
        valid_from=dt.date(2000, 1, 1),
        valid_until=dt.date(2001, 1, 1),
    )
    user = user_for_person(person=representative)

    with pytest.raises(NotFound):
        document_open(document_id=document.pk, user=user, acting_person_id=owner.pk)


def test_another_person_gets_not_found(stranger_user, document):
    with pytest.raises(NotFound):
        document_open(document_id=document.pk, user=stranger_user, acting_person_id=None)


def test_an_unknown_or_malformed_id_is_not_found(owner_user):
    for bad in (uuid.uuid4(), "not-a-uuid", ""):
        with pytest.raises(NotFound):
            document_open(document_id=bad, user=owner_user, acting_person_id=None)


def test_staff_of_the_organisation_it_was_shared_with_open_it_and_the_read_is_ledgered(
    owner, case_worker, town, shared
):
    _, content = document_open(
        document_id=shared.pk, user=case_worker, acting_person_id=None, organisation=town
    )

    assert content == PDF
    (record,) = ledger_records(owner)
    assert record["actor"] == {"org": "town", "user": str(case_worker.pk)}
    assert record["action"] == "read"
    assert record["purpose"] == "case-handling"
    assert record["fields"] == ["document"]
    assert record["subject"] == str(owner.pk)


def test_each_staff_opening_is_a_new_ledger_entry(owner, case_worker, shared):
    for _ in range(2):
        document_open(document_id=shared.pk, user=case_worker, acting_person_id=None)

    assert len(ledger_records(owner)) == 2


def test_staff_of_an_organisation_it_was_not_shared_with_get_not_found(
    owner, other_worker, other_org, shared
):
    with pytest.raises(NotFound):
        document_open(
            document_id=shared.pk, user=other_worker, acting_person_id=None, organisation=other_org
        )
    with pytest.raises(NotFound):
        document_open(document_id=shared.pk, user=other_worker, acting_person_id=None)
    assert ledger_records(owner) == []


def test_staff_whose_current_organisation_is_not_a_share_get_not_found(
    case_worker, other_org, shared
):
    with pytest.raises(NotFound):
        document_open(
            document_id=shared.pk, user=case_worker, acting_person_id=None, organisation=other_org
        )


def test_staff_of_the_shared_organisation_cannot_open_an_unshared_document(case_worker, document):
    with pytest.raises(NotFound):
        document_open(document_id=document.pk, user=case_worker, acting_person_id=None)


def test_when_the_ledger_cannot_write_staff_get_nothing(case_worker, shared, monkeypatch):
    from govdoor.ledger import services as ledger_services

    def broken(**kwargs):
        raise Unavailable("ledger down")

    monkeypatch.setattr(ledger_services, "ledger_append", broken)

    with pytest.raises(Unavailable):
        document_open(document_id=shared.pk, user=case_worker, acting_person_id=None)


def test_a_tampered_blob_is_not_served(owner_user, document, documents_dir):
    (path,) = [p for p in documents_dir.rglob("*.bin")]
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0x01
    path.write_bytes(bytes(raw))

    with pytest.raises(Unavailable):
        document_open(document_id=document.pk, user=owner_user, acting_person_id=None)


def test_sharing_twice_for_the_same_case_keeps_one_share(document, town):
    for _ in range(2):
        document_share_with_organisation(document=document, organisation=town, case_id=CASE)

    assert DocumentShare.objects.filter(document=document).count() == 1


def test_sharing_with_a_malformed_case_id_is_refused(document, town):
    with pytest.raises(DomainError) as refused:
        document_share_with_organisation(document=document, organisation=town, case_id="nope")
    assert refused.value.field == "case_id"


def test_documents_for_a_case_and_of_a_person(owner, owner_user, shared):
    other = document_upload(
        owner_person_id=owner.pk, uploaded_by=owner_user, filename="photo.png", content=PNG
    )

    assert list(documents_for_case(case_id=CASE)) == [shared]
    assert list(documents_for_case(case_id=str(CASE))) == [shared]
    assert list(documents_of_person(person_id=owner.pk)) == [other, shared]
    assert list(documents_of_person(person_id=uuid.uuid4())) == []


def test_an_agency_reads_metadata_and_content_of_a_shared_document_each_ledgered(
    owner, town, shared
):
    document, content = document_open_for_agency(
        document_id=shared.pk, organisation=town, content=False, actor_user=None
    )
    assert content is None
    _, content = document_open_for_agency(
        document_id=shared.pk, organisation=town, content=True, actor_user=None
    )
    assert content == PDF
    fields = sorted(r["fields"][0] for r in ledger_records(owner))
    assert fields == ["document", "document_metadata"]


def test_an_agency_it_was_not_shared_with_gets_not_found(owner, other_org, shared):
    with pytest.raises(NotFound):
        document_open_for_agency(
            document_id=shared.pk, organisation=other_org, content=True, actor_user=None
        )
    assert ledger_records(owner) == []
