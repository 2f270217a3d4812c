"""Base registers as data: a register is a row with a JSON Schema, its records keep history.

Why personal values are sealed apart from the rest: a record's non-personal fields stay
searchable (exact and prefix) in plain JSON, while personal fields live in one AES-GCM
envelope and are found only by exact match through a blind index per (register, field).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govdoor.core.fields import EncryptedTextField
from govdoor.core.ids import uuid7
from govdoor.core.indexes import EqualityIndex


class Register(models.Model):
    """One register at one version: `code` + `version` name it on every API."""

    class SubjectKind(models.TextChoices):
        PERSON = "person", _("Person")
        BUSINESS = "business", _("Business")
        NONE = "none", _("No subject")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    # A small integer for the GovStack database API, which names databases by integer id.
    number = models.PositiveIntegerField(unique=True)
    code = models.SlugField(max_length=64)
    version = models.CharField(max_length=20, default="1.0")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="registers"
    )
    json_schema = models.JSONField(default=dict)
    # The schema's property order (PostgreSQL's jsonb does not keep key order): CSV columns.
    field_order = models.JSONField(default=list, blank=True)
    personal_fields = models.JSONField(default=list, blank=True)
    # Personal fields that can be looked up by exact value (a blind index row per record).
    indexed_fields = models.JSONField(default=list, blank=True)
    subject_field = models.CharField(max_length=100, blank=True, default="")
    subject_kind = models.CharField(
        max_length=10, choices=SubjectKind.choices, default=SubjectKind.NONE
    )
    # The business key for bulk upsert and GovStack updateOrCreate (e.g. "plate").
    key_field = models.CharField(max_length=100, blank=True, default="")
    retention_days = models.PositiveIntegerField(null=True, blank=True)
    # {"address_changed": ["street", "postcode"]} publishes `<code>.address_changed`.
    event_topics = models.JSONField(default=dict, blank=True)
    adapter = models.CharField(max_length=40, default="local")
    adapter_config = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_register_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"

    @property
    def holds_personal_data(self) -> bool:
        return bool(self.personal_fields)

    @property
    def field_names(self) -> list[str]:
        props: dict[str, Any] = self.json_schema.get("properties", {})
        ordered = [name for name in self.field_order if name in props]
        return ordered + sorted(set(props) - set(ordered))


class Record(models.Model):
    """The current version of one record; `version` is the optimistic-locking counter."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    # No index of its own: ("register", "deleted_at") below serves every lookup by register.
    # No database constraint either (see RecordVersion.record): registers are never deleted
    # (they are deactivated) and the ORM still refuses to delete one that has records.
    register = models.ForeignKey(
        Register,
        on_delete=models.PROTECT,
        related_name="records",
        db_index=False,
        db_constraint=False,
    )
    version = models.PositiveIntegerField(default=1)
    data = models.JSONField(default=dict)
    personal = EncryptedTextField(blank=True, default="")
    # The pseudonymous subject (a Person or Business id) if the register names one.
    # Searched by exact value only: a plain b-tree, not also a LIKE index (db_index=True).
    subject_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["register", "deleted_at"]),
            models.Index(fields=["subject_id"], name="reg_record_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"record {self.id} v{self.version}"


class RecordVersion(models.Model):
    """One version of a record, valid in [valid_from, valid_to): the history and as-of reads."""

    class Operation(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        CORRECTION = "correction", _("Corrected on request")
        DELETE = "delete", _("Deleted")
        IMPORT = "import", _("Imported")

    id = models.BigAutoField(primary_key=True)
    # Indexed through the ("record", "version") unique constraint, which starts with it.
    # Why no database-level constraint: versions are written only by this app's services and
    # its bulk load, in the transaction that writes their record, and records are never
    # deleted except through the ORM (which cascades). A per-row constraint check would cost
    # a bulk load of a million people about a tenth of its database time, checked at commit.
    record = models.ForeignKey(
        Record,
        on_delete=models.CASCADE,
        related_name="versions",
        db_index=False,
        db_constraint=False,
    )
    version = models.PositiveIntegerField()
    operation = models.CharField(max_length=12, choices=Operation.choices)
    data = models.JSONField(default=dict)
    personal = EncryptedTextField(blank=True, default="")
    changed_fields = models.JSONField(default=list, blank=True)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    changed_by_org = models.CharField(max_length=64, blank=True, default="")
    changed_by_user = models.CharField(max_length=64, blank=True, default="")
    reason = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["record", "version"]
        constraints = [
            models.UniqueConstraint(fields=["record", "version"], name="one_row_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.version}"


class RecordIndex(models.Model):
    """Blind index of one personal field of one record: HMAC, exact lookups only.

    Why no database-level foreign keys here: this table is derived data, like an index. Its
    rows are written and deleted only by this module, in the same transaction as the record
    they point at (and the ORM still cascades deletes, `on_delete` is Django's). A stray row
    could not leak anything either: a search only returns records that exist. Skipping the
    per-row constraint checks is worth a fifth of a bulk load's database time.
    """

    id = models.BigAutoField(primary_key=True)
    # Not indexed: lookups go through the digest; the record's own index serves deletes.
    register = models.ForeignKey(
        Register, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    record = models.ForeignKey(
        Record, on_delete=models.CASCADE, related_name="index_rows", db_constraint=False
    )
    field = models.CharField(max_length=100)
    digest = models.CharField(max_length=64)

    class Meta:
        # Looked up by exact digest only (with register and field checked on the row): an
        # equality (hash) index, a quarter of the b-tree's size for these random values.
        indexes = [EqualityIndex(fields=["digest"], name="reg_blind_digest")]

    def __str__(self) -> str:
        return f"{self.field} of {self.record_id}"


class CorrectionRequest(models.Model):
    """A person says a record about them is wrong: a task for the keeper."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="corrections")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The proposed values, sealed: they are personal data too.
    proposed = EncryptedTextField()
    explanation = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"correction {self.id} ({self.status})"


class ImportRun(models.Model):
    """One CSV/XLSX import (dry or real): counts and the per-row error report."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=255)
    dry_run = models.BooleanField(default=True)
    partial = models.BooleanField(default=False)
    total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    applied = models.BooleanField(default=False)
    started_by = models.CharField(max_length=64, blank=True, default="")
    started_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"import {self.id} into {self.register_id}"
