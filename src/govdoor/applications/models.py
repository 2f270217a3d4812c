"""Forms as data (one definition per service, versioned), drafts and submissions.

Why a published version never changes: a submission names the version it answered, so the
questions a person saw can always be shown again. The service layer refuses to edit one and
a database trigger (see migration 0002) refuses it too, whatever path the write takes.

Why drafts and submissions keep their answers encrypted: answers are personal data (names,
addresses, incomes); only ids and timestamps stay in plain columns.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govdoor.core.fields import EncryptedTextField
from govdoor.core.ids import uuid7


class FormDefinition(models.Model):
    """The form of one service; its content lives in its versions."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    service = models.OneToOneField(
        "catalogue.Service", on_delete=models.PROTECT, related_name="form_definition"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"form of {self.service_id}"


class FormVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    form = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["form", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="one_form_version_number"),
            models.UniqueConstraint(
                fields=["form"], condition=Q(status="draft"), name="one_draft_form_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form_id} v{self.number} ({self.status})"


class Draft(models.Model):
    """One person's (or business's) form in progress; `state` is sealed JSON."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    form = models.ForeignKey(FormDefinition, on_delete=models.CASCADE, related_name="drafts")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="drafts")
    person = models.ForeignKey(
        "identity.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    business = models.ForeignKey(
        "identity.Business", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # "person:<id>" or "business:<id>": one open draft per subject and form.
    subject_key = models.CharField(max_length=80)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = EncryptedTextField(blank=True, default="")
    # Issued when the review page renders; the submission carries it (double submit = one).
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "subject_key"],
                condition=Q(submitted_at__isnull=True),
                name="one_open_draft_per_subject",
            )
        ]

    def __str__(self) -> str:
        return f"draft {self.id}"

    def state_get(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.state) if self.state else {}
        for key in ("answers", "prefill", "refused", "corrections"):
            data.setdefault(key, {})
        data.setdefault("changes", None)
        return data

    def state_set(self, data: dict[str, Any]) -> None:
        self.state = json.dumps(data, sort_keys=True, default=str)


class Submission(models.Model):
    """A submitted application: what was answered, with where each value came from."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="submissions")
    person = models.ForeignKey(
        "identity.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    business = models.ForeignKey(
        "identity.Business", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answers = EncryptedTextField()
    document_ids = models.JSONField(default=list, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    submitted_at = models.DateTimeField()
    case_id = models.UUIDField(null=True, blank=True)
    case_reference = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["person", "submitted_at"])]

    def __str__(self) -> str:
        return f"submission {self.id}"

    def answers_get(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.answers) if self.answers else {}
        return data
