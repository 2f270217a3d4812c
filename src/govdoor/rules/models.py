"""Rules as code: releases of rule packages, which service a rule decides, the decisions made
(inputs with their sources, outputs, trace), proactive offers, bias reports, sandbox runs.

Why decisions keep their own copy of inputs and trace: a decision must be explainable and
replayable years later with the package version it was made with, whatever the case, the
registers or the law have become since.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govdoor.core.ids import uuid7


class RulePackageRelease(models.Model):
    """One version of a package, and from when it decides (shadow: sandbox only)."""

    class Status(models.TextChoices):
        SHADOW = "shadow", _("Shadow (sandbox only)")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    package = models.SlugField(max_length=64)
    version = models.CharField(max_length=32)
    effective_from = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SHADOW)
    notes = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["package", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["package", "version"], name="rules_one_release")
        ]

    def __str__(self) -> str:
        return f"{self.package} {self.version}"


class ServiceRuleBinding(models.Model):
    """A catalogue service decided by a rule: which variable, how inputs are found, and what
    may be automated. Refusals are automated only when `auto_refuse` says so (default no)."""

    class Period(models.TextChoices):
        MONTH = "month", _("Per month")
        YEAR = "year", _("Per year")
        ONCE = "once", _("One-off (computed for the month of the case)")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    service = models.OneToOneField(
        "catalogue.Service", on_delete=models.CASCADE, related_name="rule_binding"
    )
    package = models.SlugField(max_length=64)
    variable = models.CharField(max_length=100)
    period = models.CharField(max_length=5, choices=Period.choices, default=Period.MONTH)
    # Extra variables stored with the decision, e.g. ["child_benefit_eligible"].
    outputs = models.JSONField(default=list, blank=True)
    # {"household": {variable: answer}, "applicant": {variable: answer}, "children": answer}
    input_mapping = models.JSONField(default=dict, blank=True)
    # Oversight: approvals up to this amount are automatic (null: every approval reviewed).
    auto_approve_max = models.DecimalField(null=True, blank=True, max_digits=12, decimal_places=2)
    auto_refuse = models.BooleanField(
        default=False, help_text=_("Refusals are decided without a person. Off by default.")
    )
    review_all = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.service_id} -> {self.package}.{self.variable}"


class Decision(models.Model):
    """A computation made for one case, with everything needed to explain and replay it."""

    class Status(models.TextChoices):
        AUTOMATED = "automated", _("Decided automatically")
        PENDING_REVIEW = "pending_review", _("Waiting for a case worker")
        CONFIRMED = "confirmed", _("Confirmed by a case worker")
        OVERRIDDEN = "overridden", _("Changed by a case worker")
        ERROR = "error", _("The rule failed: waiting for a case worker")

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        ERROR = "error", _("No result")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    case_id = models.UUIDField(db_index=True)
    case_reference = models.CharField(max_length=20, blank=True, default="")
    service_code = models.SlugField(max_length=80)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    package = models.SlugField(max_length=64)
    version = models.CharField(max_length=32)
    variable = models.CharField(max_length=100)
    period = models.CharField(max_length=20)
    situation = models.JSONField(default=dict)
    # {name: {"value": v, "source": {"register", "version", "field"} | {"declared": true}}}
    inputs = models.JSONField(default=dict)
    outputs = models.JSONField(default=dict)
    trace = models.JSONField(default=dict)
    amount = models.DecimalField(null=True, blank=True, max_digits=12, decimal_places=2)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    status = models.CharField(max_length=16, choices=Status.choices)
    error = models.TextField(blank=True, default="")
    review_reason = models.TextField(blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    final_outcome = models.CharField(max_length=8, blank=True, default="")
    final_amount = models.DecimalField(null=True, blank=True, max_digits=12, decimal_places=2)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "status", "created_at"])]

    def __str__(self) -> str:
        return f"decision {self.id} ({self.status})"


class Scan(models.Model):
    """One proactive scan for one benefit; its package version is fixed when it starts."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    service_code = models.SlugField(max_length=80)
    package = models.SlugField(max_length=64)
    version = models.CharField(max_length=32)
    period = models.CharField(max_length=20)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    cursor = models.CharField(max_length=64, blank=True, default="")  # last person id done
    scanned = models.PositiveIntegerField(default=0)
    offers = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"scan {self.service_code} {self.version} ({self.status})"


class Offer(models.Model):
    """ "You may be entitled to…": one per person, benefit and package version."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="offer_rows")
    # No index of their own: lookups by person use the unique constraint (person first), and
    # nothing looks offers up by service alone; a scan writes hundreds of thousands of rows,
    # each extra index costs on every one.
    person = models.ForeignKey(
        "identity.Person", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    service_code = models.SlugField(max_length=80, db_index=False)
    version = models.CharField(max_length=32)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    message_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "service_code", "version"], name="rules_one_offer"
            )
        ]

    def __str__(self) -> str:
        return f"offer {self.service_code} {self.id}"


class BiasReport(models.Model):
    """Outcomes of one release over the demo population, by group; published as open data."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    release = models.ForeignKey(
        RulePackageRelease, on_delete=models.CASCADE, related_name="bias_reports"
    )
    service_code = models.SlugField(max_length=80)
    variable = models.CharField(max_length=100)
    period = models.CharField(max_length=20)
    population = models.PositiveIntegerField()
    # [{"dimension", "group", "count", "approved", "approval_rate", "average_amount",
    #   "ratio", "reference", "flagged"}]
    rows = models.JSONField(default=list)
    method = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"bias report {self.service_code} {self.release_id}"


class SandboxRun(models.Model):
    """A candidate version in shadow mode over the last decided cases: what would change."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    release = models.ForeignKey(
        RulePackageRelease, on_delete=models.CASCADE, related_name="sandbox_runs"
    )
    service_code = models.SlugField(max_length=80)
    period = models.CharField(max_length=20)
    compared = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    # {"by_group": [...], "changes": [...], "totals": {...}}
    results = models.JSONField(default=dict)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"sandbox {self.release_id} ({self.changed}/{self.compared})"
