"""Once-only exchange: purposes, two-sided access policies, requests, consent, objections and
tell-us-once subscriptions with their webhook deliveries.

Why nothing here holds register values: the values stay in the registers and leave them only
through `registries.selectors.records_read_for`, which writes the ledger entry. This module
keeps the agreements, the decisions (answered or refused, and why) and pseudonymous ids.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govdoor.core.fields import EncryptedTextField
from govdoor.core.ids import uuid7


class Purpose(models.Model):
    """Why an agency may ask: the legal basis, which fields, whether consent is needed."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(help_text=_("What the data is used for, in plain language."))
    legal_basis = models.CharField(max_length=300)
    # A legal obligation: the person cannot object, and is told so with the legal basis.
    mandatory = models.BooleanField(default=False)
    consent_required = models.BooleanField(default=False)
    # "register.field" names, and derived values such as "population.age_over_18".
    allowed_fields = models.JSONField(default=list, blank=True)
    requesting_organisations = models.ManyToManyField(
        "organisations.Organisation", related_name="exchange_purposes", blank=True
    )
    retention_days = models.PositiveIntegerField(
        help_text=_("How long the requester may keep the disclosed copy.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class AccessPolicy(models.Model):
    """One agreement: the requester proposes, the register keeper approves, between dates."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="policies")
    requester = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    keeper = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    register_code = models.SlugField(max_length=64)
    # Bare field names of that register; derived values by their name ("age_over_18").
    fields = models.JSONField(default=list)
    derived = models.JSONField(default=list, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["register_code", "-created_at"]
        indexes = [models.Index(fields=["requester", "purpose", "register_code", "status"])]

    def __str__(self) -> str:
        return f"{self.purpose_id} {self.register_code} ({self.status})"


class DataRequest(models.Model):
    """One request and its outcome; refusals are kept here, never in the ledger."""

    class Status(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Could not be answered")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    # Indexed with created_at below: the requester's list is read newest first.
    requester = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Found by exact value only: one b-tree, not also the LIKE index db_index=True adds.
    subject_ref = models.CharField(max_length=64, blank=True, default="")
    purpose_code = models.CharField(max_length=80)
    fields = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        # Every answered request inserts one row: as few indexes as its reads need.
        indexes = [
            models.Index(fields=["requester", "-created_at"], name="exch_request_by_requester"),
            models.Index(fields=["subject_ref"], name="exch_request_subject"),
        ]

    def __str__(self) -> str:
        return f"request {self.id} ({self.status})"


class Consent(models.Model):
    """The person lets one organisation use some of their data for one purpose, until revoked."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    person = models.ForeignKey("identity.Person", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="consents")
    fields = models.JSONField(default=list)
    given_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"consent {self.id}"


class Objection(models.Model):
    """ "Don't share my data from A with B for P": any of the three may be left open (all)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    person = models.ForeignKey("identity.Person", on_delete=models.CASCADE, related_name="+")
    register_code = models.CharField(max_length=64, blank=True, default="")
    recipient = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    purpose = models.ForeignKey(
        Purpose, on_delete=models.PROTECT, null=True, blank=True, related_name="objections"
    )
    created_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"objection {self.id}"

    def covers(self, register_code: str, recipient: Any, purpose: Any) -> bool:
        """Does it cover this disclosure? A blank part means "any"."""
        return (
            self.withdrawn_at is None
            and self.register_code in ("", register_code)
            and self.recipient_id in (None, recipient.pk)
            and self.purpose_id in (None, purpose.pk)
        )


class Subscription(models.Model):
    """Tell us once: an agency hears of a register change event for a purpose it holds."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="subscriptions")
    topic = models.CharField(max_length=120)
    plugin = models.CharField(max_length=40, default="webhook")
    # A municipality hears only of people whose record now names it (the new municipality).
    municipality = models.CharField(max_length=64, blank=True, default="")
    url = models.URLField(blank=True, default="")
    secret = EncryptedTextField(blank=True, default="")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["topic", "created_at"]
        indexes = [models.Index(fields=["topic", "is_active"])]

    def __str__(self) -> str:
        return f"{self.topic} -> {self.organisation_id}"


class Delivery(models.Model):
    """One event to one subscription: retried with backoff, dead-lettered, never duplicated."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        DEAD = "dead", _("Failed: needs attention")
        SKIPPED = "skipped", _("Not sent (objection or no valid policy)")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField()
    topic = models.CharField(max_length=120)
    subject_ref = models.CharField(max_length=64, blank=True, default="", db_index=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="one_delivery_per_event"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"delivery {self.id} ({self.status})"


class DemoReceipt(models.Model):
    """What the demo subscriber agency received: the "demo" plugin writes here."""

    id = models.BigAutoField(primary_key=True)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="+")
    event_id = models.UUIDField()
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_id"], name="one_demo_receipt")
        ]

    def __str__(self) -> str:
        return f"receipt {self.event_id}"
