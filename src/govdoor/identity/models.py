"""People, businesses, users, and mandates to act for someone else.

National identifiers are stored only as AES-GCM envelopes plus a blind index for exact
lookup; URLs, logs and events use the opaque `id`.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from govdoor.core.fields import EncryptedTextField
from govdoor.core.ids import uuid7


class LevelOfAssurance(models.IntegerChoices):
    """eIDAS-style levels; compared numerically for step-up."""

    LOW = 1, _("Low")
    SUBSTANTIAL = 2, _("Substantial")
    HIGH = 3, _("High")


class Person(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        OTHER = "X", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    national_id = EncryptedTextField()
    national_id_index = models.CharField(max_length=64, unique=True)
    given_name = models.CharField(max_length=150)
    family_name = models.CharField(max_length=150)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.OTHER)
    language = models.CharField(max_length=8, default="en")
    disability = models.BooleanField(default=False)
    deceased_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Address(models.Model):
    """Where a person lives (residence history); the population register is the source later."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    street = models.CharField(max_length=200)
    house_number = models.CharField(max_length=20)
    postcode = models.CharField(max_length=16)
    town = models.CharField(max_length=120)
    municipality = models.ForeignKey(
        "organisations.Area", on_delete=models.PROTECT, related_name="residents"
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.street} {self.house_number}, {self.town}"


class FamilyLink(models.Model):
    class Kind(models.TextChoices):
        PARENT = "parent", _("Parent of")
        PARTNER = "partner", _("Partner of")
        GUARDIAN = "guardian", _("Guardian of")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links_from")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links_to")
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "relative", "kind"], name="one_family_link")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.relative_id}"


class Business(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    registration_number = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    legal_form = models.CharField(max_length=40)
    municipality = models.ForeignKey(
        "organisations.Area", on_delete=models.PROTECT, related_name="businesses"
    )
    founded_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "businesses"

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A sign-in account: a citizen (linked to a Person) or a staff member (StaffRoles)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    preferred_language = models.CharField(max_length=8, default="en")


class Mandate(models.Model):
    """`representative` may act for a person or a business, within a scope and validity."""

    class Kind(models.TextChoices):
        PARENT = "parent", _("Parent for a child")
        GUARDIAN = "guardian", _("Guardian")
        REPRESENTATIVE = "representative", _("Authorised representative")
        BUSINESS = "business", _("Representative of a business")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    representative = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="mandates_held"
    )
    represented_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="mandates_given"
    )
    represented_business = models.ForeignKey(
        Business, null=True, blank=True, on_delete=models.CASCADE, related_name="mandates"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Service codes or topics the mandate covers; ["*"] means everything.
    scope = models.JSONField(default=list)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True, default="")
    source = models.CharField(
        max_length=40,
        default="person",
        help_text=_("Where the mandate comes from: register, court, person"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(represented_person__isnull=False, represented_business__isnull=True)
                    | models.Q(represented_person__isnull=True, represented_business__isnull=False)
                ),
                name="mandate_represents_exactly_one",
            )
        ]
        indexes = [models.Index(fields=["representative", "revoked_at"])]

    def __str__(self) -> str:
        return f"mandate {self.id} ({self.kind})"


class AgencyClient(models.Model):
    """An agency system that calls govdoor's API with OAuth2 client credentials.

    Why not swap django-oauth-toolkit's Application model: swapping is invasive; a one-to-one
    beside it is enough to know which organisation a token speaks for.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="agency_client"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="agency_clients"
    )
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class TokenAssurance(models.Model):
    """The level of assurance behind an ID token govdoor issued as an OpenID provider.

    Why stored: /o/userinfo/ is called by the agency's server without the person's session,
    so the level of the sign-in that approved the request is kept beside the token.
    """

    id_token = models.OneToOneField(
        "oauth2_provider.IDToken", on_delete=models.CASCADE, related_name="assurance"
    )
    level = models.PositiveSmallIntegerField(choices=LevelOfAssurance.choices)

    def __str__(self) -> str:
        return f"{self.id_token_id}: {self.level}"
