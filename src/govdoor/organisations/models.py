"""Organisations at every level of government, the areas they serve, and their staff roles.

A tenant is an organisation: onboarding a municipality is a row, not a deploy.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govdoor.core.ids import uuid7


class Area(models.Model):
    """A territory: the country, a region or a municipality (jurisdictions are areas)."""

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region")
        MUNICIPALITY = "municipality", _("Municipality")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Level(models.TextChoices):
        CENTRAL = "central", _("Central")
        REGIONAL = "regional", _("Regional")
        LOCAL = "local", _("Local")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # The area this organisation governs (a municipality's own territory); may be null for
    # central agencies, which serve the whole country through their jurisdictions.
    home_area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="governing_organisations",
    )
    serves = models.ManyToManyField(
        Area, through="Jurisdiction", related_name="served_by", blank=True
    )
    website = models.URLField(blank=True, default="")
    logo = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text=_("Path or URL of the organisation's logo"),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name


class Jurisdiction(models.Model):
    """An organisation is competent for an area (and everything inside it)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="jurisdictions"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="jurisdictions")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "area"], name="one_jurisdiction_per_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.area}"


class StaffRole(models.Model):
    class Role(models.TextChoices):
        CASE_WORKER = "case_worker", _("Case worker")
        SERVICE_OWNER = "service_owner", _("Service owner")
        REGISTER_KEEPER = "register_keeper", _("Register keeper")
        AUDITOR = "auditor", _("Auditor")
        ADMIN = "admin", _("Administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="staff_roles"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_role_per_user_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.organisation}"
