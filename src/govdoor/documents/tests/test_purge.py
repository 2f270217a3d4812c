"""Retention: abandoned uploads are purged after N days, shared ones never; idempotent."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from govdoor.core import clock
from govdoor.documents.models import Document
from govdoor.documents.services import (
    document_share_with_organisation,
    document_upload,
    documents_purge,
)
from govdoor.documents.tests.conftest import PDF, PNG, stored_files

pytestmark = pytest.mark.django_db


def aged(document: Document, days: int) -> Document:
    Document.objects.filter(pk=document.pk).update(created_at=clock.now() - dt.timedelta(days=days))
    return document


@pytest.fixture
def uploads(owner, owner_user, town):
    def make(name: str, content: bytes) -> Document:
        return document_upload(
            owner_person_id=owner.pk, uploaded_by=owner_user, filename=name, content=content
        )

    old_abandoned = aged(make("old.pdf", PDF), 40)
    old_shared = aged(make("shared.pdf", PDF), 40)
    document_share_with_organisation(document=old_shared, organisation=town, case_id=uuid.uuid4())
    recent = aged(make("recent.png", PNG), 2)
    return old_abandoned, old_shared, recent


def test_an_abandoned_upload_older_than_the_limit_is_deleted_with_its_blob(
    uploads, settings, documents_dir, django_capture_on_commit_callbacks
):
    settings.GOVDOOR_DOCUMENTS_ABANDONED_DAYS = 30
    old_abandoned, old_shared, recent = uploads

    with django_capture_on_commit_callbacks(execute=True):
        report = documents_purge()

    assert report.documents == 1
    assert set(Document.objects.values_list("pk", flat=True)) == {old_shared.pk, recent.pk}
    names = {p.name for p in stored_files(documents_dir)}
    assert f"{old_abandoned.pk}.bin" not in names
    assert names == {f"{old_shared.pk}.bin", f"{recent.pk}.bin"}


def test_purging_twice_changes_nothing_the_second_time(
    uploads, documents_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        documents_purge(days=30)
        second = documents_purge(days=30)

    assert (second.documents, second.orphan_blobs) == (0, 0)
    assert Document.objects.count() == 2
    assert len(stored_files(documents_dir)) == 2


def test_a_blob_no_document_names_is_removed_once_it_is_a_day_old(uploads, documents_dir):
    _, _, recent = uploads
    Document.objects.filter(pk=recent.pk).delete()  # e.g. the person was erased
    (path,) = [p for p in stored_files(documents_dir) if p.name == f"{recent.pk}.bin"]

    assert documents_purge(days=30).orphan_blobs == 0  # too fresh: may be an upload in flight
    two_days_ago = time.time() - 2 * 86400
    os.utime(path, (two_days_ago, two_days_ago))
    assert documents_purge(days=30).orphan_blobs == 1
    assert not path.exists()


def test_the_command_reports_what_it_purged(uploads, django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("documents_purge", "--days", "30", stdout=out)

    assert "purged 1 abandoned documents" in out.getvalue()


def test_the_purge_task_purges(uploads, settings, django_capture_on_commit_callbacks):
    from govdoor.documents.tasks import documents_purge_task

    settings.GOVDOOR_DOCUMENTS_ABANDONED_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        assert documents_purge_task() == {"documents": 1, "orphan_blobs": 0}


def test_sharing_a_document_purged_meanwhile_is_refused_not_half_done(
    uploads, town, django_capture_on_commit_callbacks
):
    from govdoor.core.errors import NotFound

    old_abandoned, _, _ = uploads
    with django_capture_on_commit_callbacks(execute=True):
        documents_purge(days=30)

    with pytest.raises(NotFound) as refused:
        document_share_with_organisation(
            document=old_abandoned, organisation=town, case_id=uuid.uuid4()
        )
    assert refused.value.field == "document"
