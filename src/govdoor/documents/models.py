"""Uploaded documents: metadata here, the content encrypted in a pluggable storage.

Why a data key per document: the content is sealed with its own random AES-256-GCM key, and
only that small key is wrapped with the platform's field keys (govdoor.core.crypto). Rotating
the field keys re-wraps the data keys (`documents_rewrap`), never the files themselves.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govdoor.core import clock
from govdoor.core.ids import uuid7


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    owner_person = models.ForeignKey(
        "identity.Person", on_delete=models.CASCADE, related_name="documents"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filename = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, help_text=_("SHA-256 of the plaintext, hex"))
    purpose = models.CharField(max_length=100, blank=True, default="")
    # Where the ciphertext lives in the documents storage, and its wrapped data key.
    storage_name = models.CharField(max_length=255, unique=True)
    wrapped_key = models.TextField()
    scanner = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["owner_person", "-created_at"], name="document_owner")]

    def __str__(self) -> str:
        return str(self.pk)


class DocumentShare(models.Model):
    """The handling organisation of a case may open the document (for that case)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    case_id = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "organisation", "case_id"], name="one_document_share"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.organisation_id}"
