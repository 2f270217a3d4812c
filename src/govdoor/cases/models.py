"""Cases: an application (or an appeal, or a staff-opened file) handled by one organisation.

Why `answers` is JSON with a source per value: a decision must say on which facts it rests
and where each fact came from (a register version, or the person's own declaration), so
a case worker, the rules engine and an appeal body read the same evidence.

Why `reference` comes from a counter row per year: people quote it on the phone, so it is
short, readable ("GD-2026-000123") and gap-free enough to be trusted, and the counter row is
locked while a number is taken, so two submissions in the same instant never share one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govdoor.core.ids import uuid7


class CaseStatus(models.TextChoices):
    TRIAGE = "triage", _("Waiting to be routed")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    WAITING = "waiting", _("Waiting for the applicant")
    DECIDED = "decided", _("Decided")
    APPEALED = "appealed", _("Appealed")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    NONE = "", _("No decision yet")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")


class Source(models.TextChoices):
    APPLICATION = "application", _("Application")
    APPEAL = "appeal", _("Appeal")
    STAFF = "staff", _("Opened by staff")
    GOVSTACK = "govstack", _("GovStack registration")


# Statuses in which an organisation still has work to do (the default queue).
OPEN_STATUSES = (
    CaseStatus.TRIAGE,
    CaseStatus.SUBMITTED,
    CaseStatus.IN_REVIEW,
    CaseStatus.WAITING,
)


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="cases")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="cases"
    )
    applicant = models.ForeignKey(
        "identity.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    business = models.ForeignKey(
        "identity.Business", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(max_length=12, choices=CaseStatus.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True, default="")
    answers = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    source_ref = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()
    # Human review (rules engine asked for it, or an oversight policy requires it).
    needs_review = models.BooleanField(default=False)
    review_note = models.TextField(blank=True, default="")
    # Waiting for the person: what was asked and by when.
    info_request = models.TextField(blank=True, default="")
    info_due_on = models.DateField(null=True, blank=True)
    # The decision.
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(blank=True, default="")
    decision_ref = models.CharField(max_length=64, blank=True, default="")
    automated = models.BooleanField(default=False)
    appeal_until = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_ref"], name="one_case_per_source"),
            models.CheckConstraint(
                condition=Q(applicant__isnull=False) | Q(business__isnull=False),
                name="case_has_an_applicant_or_business",
            ),
        ]
        indexes = [
            # The queue: one organisation's open cases by due date (overdue first). A partial
            # index keeps decided and closed cases (most of them, over time) out of it.
            models.Index(
                fields=["organisation", "due_at", "id"],
                name="case_queue_open_idx",
                condition=Q(status__in=["triage", "submitted", "in_review", "waiting"]),
            ),
            models.Index(fields=["organisation", "status", "due_at", "id"], name="case_org_st_idx"),
            # "Assigned to me" and "one service" filter the open queue: partial as well, so
            # their COUNT reads index entries only (no heap visit to check the status).
            models.Index(
                fields=["organisation", "assignee", "due_at", "id"],
                name="case_open_asg_idx",
                condition=Q(status__in=["triage", "submitted", "in_review", "waiting"]),
            ),
            models.Index(
                fields=["organisation", "service", "due_at", "id"],
                name="case_open_svc_idx",
                condition=Q(status__in=["triage", "submitted", "in_review", "waiting"]),
            ),
            # Text search on the reference is a prefix match ("GD-2026-0001…").
            models.Index(
                fields=["reference"],
                name="case_reference_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["applicant", "opened_at"], name="case_applicant_idx"),
            models.Index(fields=["business", "opened_at"], name="case_business_idx"),
            models.Index(fields=["service", "decided_at"], name="case_service_decided_idx"),
            models.Index(
                fields=["due_at"],
                name="case_escalation_idx",
                condition=Q(
                    escalated_at__isnull=True,
                    status__in=["triage", "submitted", "in_review", "waiting"],
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseEvent(models.Model):
    """One line of a case's history: a transition, a note, an assignment, a routing, a letter."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        TRANSITION = "transition", _("Status changed")
        NOTE = "note", _("Note")
        ASSIGNED = "assigned", _("Assigned")
        ROUTED = "routed", _("Routed to another organisation")
        ESCALATED = "escalated", _("Deadline passed: escalated")
        INFO_REQUESTED = "info_requested", _("Information requested")
        INFO_RECEIVED = "info_received", _("Information received")
        LETTER = "letter", _("Letter sent")
        APPEAL = "appeal", _("Appeal")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who, in words, when there is no user: "system", "rules", "applicant".
    actor_label = models.CharField(max_length=64, blank=True, default="")
    from_status = models.CharField(max_length=12, blank=True, default="")
    to_status = models.CharField(max_length=12, blank=True, default="")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(blank=True, default="")
    letter_id = models.UUIDField(null=True, blank=True)
    message_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def from_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return _status_label(self.to_status)


def _status_label(status: str) -> str:
    return str(CaseStatus(status).label) if status in CaseStatus.values else status


class ReferenceCounter(models.Model):
    """The last case number given out in a year (locked while taking the next one)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
