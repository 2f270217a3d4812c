"""Signed letters and the signing identities of organisations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govdoor.core.fields import EncryptedTextField
from govdoor.core.ids import uuid7


class SigningIdentity(models.Model):
    """An organisation's signing key (encrypted at rest) and its certificate.

    Why `is_current` with a partial unique constraint: the identity is created lazily on an
    organisation's first letter, possibly by two requests at once; the constraint lets only
    one of them win, and a renewal (expiry, a new root) retires the old row instead of
    deleting it, so old letters still name the certificate they were signed with.
    """

    class Source(models.TextChoices):
        ISSUED = "issued", _("Issued by govdoor's root")
        PKCS12 = "pkcs12", _("Configured PKCS#12 file")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="signing_identities"
    )
    certificate_pem = models.TextField()
    key_pem = EncryptedTextField()
    ca_fingerprint = models.CharField(max_length=64)
    serial_number = models.CharField(max_length=64)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ISSUED)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(is_current=True),
                name="letters_one_current_identity_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} #{self.serial_number}"


class Letter(models.Model):
    """One signed letter. The PDF is kept encrypted at rest; `sha256` is of the signed bytes."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        DECISION = "decision", _("Decision")
        INFORMATION_REQUEST = "information_request", _("Request for information")
        APPEAL_RECEIPT = "appeal_receipt", _("Appeal receipt")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    language = models.CharField(max_length=8)
    reference = models.CharField(max_length=64, db_index=True)
    title = models.CharField(max_length=200)
    # No foreign key to cases: cases calls letters, and the arrows go one way.
    case_id = models.UUIDField(null=True, blank=True, db_index=True)
    person = models.ForeignKey(
        "identity.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="letters",
    )
    signing_identity = models.ForeignKey(
        SigningIdentity, on_delete=models.PROTECT, related_name="letters"
    )
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField()
    pdf_sealed = models.BinaryField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "-created_at"], name="letters_person_recent")]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"
