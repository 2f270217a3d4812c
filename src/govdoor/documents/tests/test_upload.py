"""Uploads through the service: what is accepted, each refusal, and encryption at rest."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govdoor.core.errors import DomainError, NotFound, Unavailable
from govdoor.documents import storage
from govdoor.documents.models import Document
from govdoor.documents.scanners import ScannerUnavailable, scanners
from govdoor.documents.scanners.base import Scanner, ScanResult
from govdoor.documents.services import (
    FileInfected,
    FileTooLarge,
    FileTypeRefused,
    document_upload,
)
from govdoor.documents.tests.conftest import (
    EICAR_TEXT,
    ELF,
    JPEG,
    PDF,
    PNG,
    WINDOWS_EXE,
    stored_files,
)

pytestmark = pytest.mark.django_db


def upload(owner, user, filename: str, content, purpose: str = "") -> Document:
    return document_upload(
        owner_person_id=owner.pk,
        uploaded_by=user,
        filename=filename,
        content=content,
        purpose=purpose,
    )


def assert_nothing_stored(folder: Path) -> None:
    assert Document.objects.count() == 0
    assert stored_files(folder) == []


def test_a_pdf_is_stored_with_its_type_size_and_hash(owner, owner_user, documents_dir):
    document = upload(owner, owner_user, "payslip.pdf", PDF, purpose="proof-of-income")

    assert document.owner_person_id == owner.pk
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.filename == "payslip.pdf"
    assert document.purpose == "proof-of-income"
    assert document.scanner == "demo"
    assert len(stored_files(documents_dir)) == 1


def test_the_stored_bytes_are_ciphertext_that_does_not_contain_the_plaintext(
    owner, owner_user, documents_dir
):
    secret = PDF + b"% my national number is 123-456-789\n"
    document = upload(owner, owner_user, "secret.pdf", secret)

    (path,) = stored_files(documents_dir)
    raw = path.read_bytes()
    assert b"123-456-789" not in raw
    assert b"%PDF" not in raw
    assert raw.startswith(storage.BLOB_MAGIC)
    assert document.filename not in path.name  # the blob name comes from the id only
    assert str(document.pk) in path.name


def test_the_data_key_is_wrapped_with_the_active_field_key(owner, owner_user):
    from govdoor.core.crypto import key_id_of, keyring

    document = upload(owner, owner_user, "a.pdf", PDF)

    assert key_id_of(document.wrapped_key) == keyring().active_kid


def test_an_uploaded_file_object_is_read_in_chunks(owner, owner_user):
    file = SimpleUploadedFile("photo.png", PNG, content_type="application/octet-stream")

    document = upload(owner, owner_user, file.name, file)

    assert document.content_type == "image/png"
    assert document.size == len(PNG)


def test_a_jpeg_named_jpeg_keeps_its_name(owner, owner_user):
    assert upload(owner, owner_user, "Photo.JPEG", JPEG).filename == "Photo.jpeg"


def test_a_name_without_extension_gets_the_extension_of_the_sniffed_type(owner, owner_user):
    assert upload(owner, owner_user, "scan", PNG).filename == "scan.png"


def test_a_path_in_the_file_name_is_dropped(owner, owner_user):
    assert upload(owner, owner_user, "C:\\Users\\lena\\id card.pdf", PDF).filename == "id card.pdf"


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(
    owner, owner_user, settings, documents_dir
):
    settings.GOVDOOR_DOCUMENTS_MAX_BYTES = 1024

    with pytest.raises(FileTooLarge) as refused:
        upload(owner, owner_user, "big.pdf", PDF + b"0" * 2000)

    assert refused.value.field == "file"
    assert refused.value.status_code == 413
    assert "1024" not in refused.value.detail and "MB" in refused.value.detail
    assert_nothing_stored(documents_dir)


def test_an_uploaded_file_declaring_a_big_size_is_refused_before_it_is_read(
    owner, owner_user, settings, documents_dir
):
    settings.GOVDOOR_DOCUMENTS_MAX_BYTES = 1024

    class NotToBeRead(SimpleUploadedFile):
        def chunks(self, chunk_size=None):  # noqa: ARG002
            raise AssertionError("the content was read")

    file = NotToBeRead("big.pdf", PDF)
    file.size = 50 * 1024 * 1024

    with pytest.raises(FileTooLarge):
        upload(owner, owner_user, "big.pdf", file)
    assert_nothing_stored(documents_dir)


def test_an_upload_bigger_than_its_declared_size_is_refused_while_reading(
    owner, owner_user, settings, documents_dir
):
    settings.GOVDOOR_DOCUMENTS_MAX_BYTES = 1024
    file = SimpleUploadedFile("liar.pdf", PDF + b"0" * 4000)
    file.size = 10  # the client lied

    with pytest.raises(FileTooLarge):
        upload(owner, owner_user, "liar.pdf", file)
    assert_nothing_stored(documents_dir)


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("invoice.pdf", ELF),
        ("invoice.pdf", WINDOWS_EXE),
        ("notes.txt", b"just some text, which cannot be sniffed"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'),
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 60),
    ],
    ids=["elf-renamed-pdf", "exe-renamed-pdf", "text", "svg", "zip"],
)
def test_content_of_a_type_outside_the_allow_list_is_refused_whatever_its_name(
    owner, owner_user, documents_dir, filename, content
):
    with pytest.raises(FileTypeRefused) as refused:
        upload(owner, owner_user, filename, content)

    assert refused.value.field == "file"
    assert refused.value.status_code == 415
    assert "PDF" in refused.value.detail
    assert_nothing_stored(documents_dir)


def test_a_png_named_pdf_is_refused_naming_both_types(owner, owner_user, documents_dir):
    with pytest.raises(FileTypeRefused) as refused:
        upload(owner, owner_user, "certificate.pdf", PNG)

    assert refused.value.field == "file"
    assert "PNG" in refused.value.detail
    assert ".pdf" in refused.value.detail
    assert_nothing_stored(documents_dir)


def test_an_empty_file_is_refused(owner, owner_user, documents_dir):
    with pytest.raises(FileTypeRefused) as refused:
        upload(owner, owner_user, "empty.pdf", b"")

    assert "empty" in refused.value.detail
    assert_nothing_stored(documents_dir)


def test_a_pdf_carrying_the_eicar_test_string_is_refused_as_infected(
    owner, owner_user, documents_dir
):
    infected = PDF + b"\n% " + EICAR_TEXT + b"\n"

    with pytest.raises(FileInfected) as refused:
        upload(owner, owner_user, "infected.pdf", infected)

    assert refused.value.field == "file"
    assert "virus" in refused.value.detail
    assert_nothing_stored(documents_dir)


def test_a_scanner_that_cannot_answer_refuses_the_upload_as_unavailable(
    owner, owner_user, settings, documents_dir
):
    class DownScanner(Scanner):
        def scan(self, content: bytes) -> ScanResult:
            raise ScannerUnavailable("connection refused")

    scanners.register("test-down")(DownScanner)
    settings.GOVDOOR_DOCUMENTS_SCANNER = "test-down"
    try:
        with pytest.raises(Unavailable) as refused:
            upload(owner, owner_user, "fine.pdf", PDF)
    finally:
        scanners.unregister("test-down")

    assert refused.value.status_code == 503
    assert refused.value.field == "file"
    assert "try again later" in refused.value.detail.lower()
    assert_nothing_stored(documents_dir)


def test_the_clamd_scanner_without_a_url_refuses_rather_than_storing_unscanned(
    owner, owner_user, settings, documents_dir
):
    settings.GOVDOOR_DOCUMENTS_SCANNER = "clamd"
    settings.GOVDOOR_CLAMD_URL = ""

    with pytest.raises(Unavailable):
        upload(owner, owner_user, "fine.pdf", PDF)
    assert_nothing_stored(documents_dir)


def test_an_upload_for_a_person_who_does_not_exist_is_refused(owner_user, documents_dir):
    import uuid

    with pytest.raises(NotFound) as refused:
        document_upload(
            owner_person_id=uuid.uuid4(), uploaded_by=owner_user, filename="a.pdf", content=PDF
        )
    assert refused.value.field == "owner_person_id"
    assert_nothing_stored(documents_dir)


def test_when_the_database_refuses_the_row_the_blob_is_removed_again(
    owner, owner_user, documents_dir, monkeypatch
):
    def fail(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(Document.objects, "create", fail)

    with pytest.raises(RuntimeError):
        upload(owner, owner_user, "a.pdf", PDF)
    assert stored_files(documents_dir) == []


def test_refusals_are_domain_errors_naming_the_file_field(owner, owner_user):
    for content in (b"", ELF):
        with pytest.raises(DomainError) as refused:
            upload(owner, owner_user, "x.pdf", content)
        assert refused.value.field == "file"


def test_after_a_key_rotation_data_keys_are_rewrapped_and_documents_still_open(
    owner, owner_user, settings, documents_dir
):
    import base64
    from io import StringIO

    from django.core.management import call_command

    from govdoor.core.crypto import key_id_of
    from govdoor.documents.services import document_open

    document = upload(owner, owner_user, "a.pdf", PDF)
    blob_before = next(documents_dir.rglob("*.bin")).read_bytes()
    new_key = base64.b64encode(b"k" * 32).decode()
    settings.GOVDOOR_FIELD_KEYS = f"rot2:{new_key},{settings.GOVDOOR_FIELD_KEYS}"

    out = StringIO()
    call_command("documents_rewrap", stdout=out)
    call_command("documents_rewrap", stdout=out)  # nothing left the second time

    document.refresh_from_db()
    assert key_id_of(document.wrapped_key) == "rot2"
    assert out.getvalue().splitlines() == [
        "re-wrapped 1 document keys",
        "re-wrapped 0 document keys",
    ]
    assert next(documents_dir.rglob("*.bin")).read_bytes() == blob_before
    settings.GOVDOOR_FIELD_KEYS = f"rot2:{new_key}"  # the old key is gone: still opens
    _, content = document_open(document_id=document.pk, user=owner_user, acting_person_id=None)
    assert content == PDF


def test_a_storage_that_cannot_write_refuses_as_unavailable_and_keeps_no_row(
    owner, owner_user, settings, tmp_path
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the storage folder should be")
    settings.GOVDOOR_DOCUMENTS_DIR = str(blocker)

    with pytest.raises(Unavailable) as refused:
        upload(owner, owner_user, "a.pdf", PDF)

    assert refused.value.field == "file"
    assert Document.objects.count() == 0
