"""Writing documents: the checked upload, sharing with a case's organisation, opening, purging.

Upload checks run in this order and store nothing until all pass: size (before reading an
UploadedFile), the type sniffed from the content against the allow-list, the file name
(sanitised; its extension must agree with the type), then the malware scanner. Only then is
the content sealed with a fresh data key and written to the documents storage.

Who may open a document: its owner; someone acting for the owner under a mandate in force;
staff of an organisation the document was shared with (for a case), each such opening
ledgered. Everyone else gets NotFound, as if the document did not exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import status

from govdoor.core import clock, crypto
from govdoor.core.errors import DomainError, NotFound, Unavailable
from govdoor.core.ids import uuid7, uuid_or_none
from govdoor.documents import checks, storage
from govdoor.documents.models import Document, DocumentShare
from govdoor.documents.scanners import ScannerUnavailable, scanner_get, scanner_id
from govdoor.documents.selectors import document_get, share_organisation_for
from govdoor.identity.models import Person, User
from govdoor.organisations.models import Organisation

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_ABANDONED_DAYS = 30
LEDGER_PURPOSE = "case-handling"
LEDGER_LEGAL_BASIS = "Administrative procedure: examining the documents of an application"


class FileTooLarge(DomainError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    problem_type = "file-too-large"
    title = "The file is too large"


class FileTypeRefused(DomainError):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    problem_type = "file-type-refused"
    title = "This type of file is not accepted"


class FileInfected(DomainError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    problem_type = "file-infected"
    title = "The file contains a virus"


def max_upload_bytes() -> int:
    return int(getattr(settings, "GOVDOOR_DOCUMENTS_MAX_BYTES", DEFAULT_MAX_BYTES))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def too_large_message() -> str:
    return _("The file must be smaller than %(mb)s MB.") % {"mb": _megabytes(max_upload_bytes())}


def _too_large() -> FileTooLarge:
    return FileTooLarge(too_large_message(), field="file")


def _read_limited(content: bytes | UploadedFile) -> bytes:
    """The content, refusing before reading anything when the declared size is too big, and
    while reading when the upload is bigger than it said."""
    limit = max_upload_bytes()
    if isinstance(content, bytes | bytearray | memoryview):
        data = bytes(content)
        if len(data) > limit:
            raise _too_large()
        return data
    if content.size is not None and content.size > limit:
        raise _too_large()
    content.seek(0)
    parts: list[bytes] = []
    read = 0
    for chunk in content.chunks():
        read += len(chunk)
        if read > limit:
            raise _too_large()
        parts.append(chunk)
    return b"".join(parts)


def _checked_type(data: bytes, filename: str) -> tuple[checks.AllowedType, str]:
    """The allowed type the content really is and the file name to keep, or a refusal."""
    if not data:
        raise FileTypeRefused(_("The file is empty."), field="file")
    mime = checks.sniff(data[:8192])
    allowed = checks.ALLOWED_TYPES.get(mime or "")
    if allowed is None:
        raise FileTypeRefused(
            _("The file must be a %(types)s.") % {"types": checks.allowed_labels()},
            field="file",
        )
    safe = checks.filename_sanitise(filename)
    named = checks.filename_for_type(safe, allowed)
    if named is None:
        raise FileTypeRefused(
            _(
                "The file is a %(type)s but its name ends in .%(ext)s. "
                "Check you chose the right file, or rename it to end in .%(right)s."
            )
            % {
                "type": allowed.label,
                "ext": checks.extension_of(safe),
                "right": allowed.extensions[0],
            },
            field="file",
        )
    return allowed, named


def _scan(data: bytes, *, uploaded_by: User) -> str:
    plugin = scanner_id()
    try:
        result = scanner_get().scan(data)
    except ScannerUnavailable as exc:
        logger.error("document scanner unavailable", extra={"scanner": plugin, "error": str(exc)})
        raise Unavailable(
            _("The file could not be checked for viruses. Try again later."), field="file"
        ) from exc
    if not result.clean:
        logger.warning(
            "infected upload refused",
            extra={"scanner": plugin, "signature": result.signature, "user": str(uploaded_by.pk)},
        )
        raise FileInfected(
            _("The file contains a virus (%(name)s). It has not been kept.")
            % {"name": result.signature},
            field="file",
        )
    return plugin


def document_upload(
    *,
    owner_person_id: UUID,
    uploaded_by: User,
    filename: str,
    content: bytes | UploadedFile,
    purpose: str = "",
) -> Document:
    """Check, scan, encrypt and store an upload; DomainError(field="file") on refusal, with
    nothing stored."""
    owner_id = uuid_or_none(owner_person_id)
    if owner_id is None or not Person.objects.filter(pk=owner_id).exists():
        raise NotFound(_("No such person."), field="owner_person_id")
    data = _read_limited(content)
    allowed, name = _checked_type(data, filename)
    plugin = _scan(data, uploaded_by=uploaded_by)
    document_id = uuid7()
    key = storage.data_key_new()
    blob = storage.blob_seal(data, key=key, document_id=document_id)
    storage_name = storage.storage_name_for(document_id)
    try:
        storage.blob_write(storage_name, blob)
    except (OSError, storage.BlobError) as exc:
        logger.error("document storage unavailable", extra={"error": exc.__class__.__name__})
        raise Unavailable(
            _("The file could not be stored right now. Try again later."), field="file"
        ) from exc
    try:
        with transaction.atomic():
            document = Document.objects.create(
                id=document_id,
                owner_person_id=owner_id,
                uploaded_by=uploaded_by,
                filename=name,
                content_type=allowed.mime,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                purpose=purpose[:100],
                storage_name=storage_name,
                wrapped_key=storage.data_key_wrap(key, document_id=document_id),
                scanner=plugin,
            )
    except Exception:
        storage.blob_delete(storage_name)
        raise
    logger.info(
        "document stored",
        extra={"document": str(document.pk), "size": document.size, "type": allowed.mime},
    )
    return document


@transaction.atomic
def document_share_with_organisation(
    *, document: Document, organisation: Organisation, case_id: UUID
) -> None:
    """Let `organisation`'s staff open `document` for the case `case_id` (idempotent)."""
    case_uuid = uuid_or_none(case_id)
    if case_uuid is None:
        raise DomainError(_("The case id is not valid."), field="case_id")
    # Lock the document so a purge running now either sees the share or has already purged.
    locked = Document.objects.select_for_update().filter(pk=document.pk).first()
    if locked is None:
        raise NotFound(_("No such document."), field="document")
    DocumentShare.objects.get_or_create(
        document=locked, organisation=organisation, case_id=case_uuid
    )


def _content(document: Document) -> bytes:
    try:
        key = storage.data_key_unwrap(document.wrapped_key, document_id=document.pk)
        data = storage.blob_open(
            storage.blob_read(document.storage_name), key=key, document_id=document.pk
        )
    except storage.BlobError as exc:
        logger.error("document content unreadable", extra={"document": str(document.pk)})
        raise Unavailable(_("The document cannot be read right now.")) from exc
    if hashlib.sha256(data).hexdigest() != document.sha256:
        logger.error("document content changed", extra={"document": str(document.pk)})
        raise Unavailable(_("The document cannot be read right now."))
    return data


def _ledger_staff_read(
    *, document: Document, organisation: Organisation, actor_user: str | None, fields: list[str]
) -> None:
    from govdoor.ledger.services import ledger_append

    ledger_append(
        subject_id=str(document.owner_person_id),
        actor_org=organisation.code,
        actor_user=actor_user,
        action="read",
        purpose=LEDGER_PURPOSE,
        legal_basis=LEDGER_LEGAL_BASIS,
        fields=fields,
    )


def _person_may_open(document: Document, user: Any, acting_person_id: UUID | None) -> bool:
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return False
    if person_id == document.owner_person_id:
        return True
    if uuid_or_none(acting_person_id) != document.owner_person_id:
        return False
    from govdoor.identity.selectors import mandates_held

    return (
        mandates_held(user.person).filter(represented_person_id=document.owner_person_id).exists()
    )


@transaction.atomic
def document_open(
    *,
    document_id: UUID | str,
    user: User,
    acting_person_id: UUID | None,
    organisation: Organisation | None = None,
) -> tuple[Document, bytes]:
    """The document and its plaintext for `user`, or NotFound.

    Allowed: the owner; a representative acting for the owner (`acting_person_id` is the
    owner's id) under a mandate in force; staff of an organisation the document was shared
    with — `organisation` (the back office's current one) when given, else any such
    organisation they hold a role in. A staff opening is ledgered before the content is
    returned; if the ledger cannot write, nothing is returned (Unavailable).
    """
    document = document_get(document_id)
    if _person_may_open(document, user, acting_person_id):
        return document, _content(document)
    via = share_organisation_for(document=document, user=user, organisation=organisation)
    if via is None:
        raise NotFound(_("No such document."))
    _ledger_staff_read(
        document=document, organisation=via, actor_user=str(user.pk), fields=["document"]
    )
    return document, _content(document)


@transaction.atomic
def document_open_for_agency(
    *, document_id: UUID | str, organisation: Organisation, content: bool, actor_user: str | None
) -> tuple[Document, bytes | None]:
    """An agency system (or staff through the API) reads a document shared with its
    organisation: the metadata, or also the content; ledgered either way, NotFound otherwise."""
    document = document_get(document_id)
    if not DocumentShare.objects.filter(document=document, organisation=organisation).exists():
        raise NotFound(_("No such document."))
    fields = ["document"] if content else ["document_metadata"]
    _ledger_staff_read(
        document=document, organisation=organisation, actor_user=actor_user, fields=fields
    )
    return document, _content(document) if content else None


# --- Key rotation --------------------------------------------------------------------------


def documents_rewrap(*, batch_size: int = 500) -> int:
    """Re-wrap every data key not sealed with the active field key (after a key rotation);
    the blobs stay as they are. Returns how many were re-wrapped; idempotent."""
    active = crypto.keyring().active_kid
    prefix = f"{crypto.ENVELOPE_VERSION}.{active}."
    done = 0
    while True:
        with transaction.atomic():
            batch = list(
                Document.objects.select_for_update()
                .exclude(wrapped_key__startswith=prefix)
                .order_by("pk")[:batch_size]
            )
            for document in batch:
                document.wrapped_key = storage.data_key_rewrap(
                    document.wrapped_key, document_id=document.pk
                )
            Document.objects.bulk_update(batch, ["wrapped_key"])
        done += len(batch)
        if len(batch) < batch_size:
            return done


# --- Retention -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeReport:
    documents: int
    orphan_blobs: int


def abandoned_days() -> int:
    return int(getattr(settings, "GOVDOOR_DOCUMENTS_ABANDONED_DAYS", DEFAULT_ABANDONED_DAYS))


def _purge_one(document_id: UUID) -> bool:
    with transaction.atomic():
        # Lock the row (as sharing does) and only then look at its shares.
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or DocumentShare.objects.filter(document=document).exists():
            return False  # purged by a concurrent run, or shared meanwhile
        name = document.storage_name
        document.delete()
        transaction.on_commit(lambda: storage.blob_delete(name))
    return True


def documents_purge(*, now: dt.datetime | None = None, days: int | None = None) -> PurgeReport:
    """Delete uploads never attached to a case after `days` (GOVDOOR_DOCUMENTS_ABANDONED_DAYS),
    and blobs no document row names any more (older than a day). Idempotent."""
    now = now or clock.now()
    cutoff = now - dt.timedelta(days=abandoned_days() if days is None else days)
    candidates = list(
        Document.objects.filter(created_at__lt=cutoff, shares__isnull=True).values_list(
            "pk", flat=True
        )
    )
    purged = sum(1 for pk in candidates if _purge_one(pk))
    orphans = _orphan_blobs_delete(older_than=now - dt.timedelta(days=1))
    if purged or orphans:
        logger.info("documents purged", extra={"documents": purged, "orphan_blobs": orphans})
    return PurgeReport(documents=purged, orphan_blobs=orphans)


def _orphan_blobs_delete(*, older_than: dt.datetime) -> int:
    """Blobs left by a crash between writing and committing, or by a deleted person."""
    store = storage.documents_storage()
    try:
        folders, _files = store.listdir("")
    except (FileNotFoundError, NotImplementedError):
        return 0
    deleted = 0
    for folder in folders:
        names = [f"{folder}/{f}" for f in store.listdir(folder)[1] if f.endswith(".bin")]
        known = set(
            Document.objects.filter(storage_name__in=names).values_list("storage_name", flat=True)
        )
        for name in names:
            if name in known:
                continue
            try:
                modified = store.get_modified_time(name)
            except (FileNotFoundError, NotImplementedError):
                continue
            if modified < older_than:
                storage.blob_delete(name)
                deleted += 1
    return deleted
